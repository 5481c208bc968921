/**
 * What an External Secrets Operator `ExternalSecret` writes: its target Secret, the keys it fetches
 * from the store (remote key and property), and the keys its template builds from fetched values.
 * The credential index (policies/credentials.ts) and the superuser index
 * (policies/store-superusers.ts) both read ExternalSecrets through this.
 * https://external-secrets.io/latest/guides/templating/
 */
import type { K8sObject } from './object.ts';
import { arr, at, rec, str } from './read.ts';

export interface RemoteValue {
  /** `SecretStore/<name>` or `ClusterSecretStore/<name>`. */
  readonly store: string;
  readonly key: string;
  /** `''` when the whole remote value is fetched. */
  readonly property: string;
}

export interface ExternalSecretKeys {
  /** Name of the Secret it writes (`spec.target.name`, else its own name). */
  readonly target: string;
  /** Secret key -> the remote value fetched into it (`spec.data`). */
  readonly fetched: ReadonlyMap<string, RemoteValue>;
  /** Secret key -> its template text and the fetched keys the template reads (`spec.target.template.data`). */
  readonly templated: ReadonlyMap<string, { readonly text: string; readonly reads: readonly string[] }>;
}

/** A Go template action, `{{ ... }}`. */
const ACTION = /\{\{([^}]*)\}\}/g;
/** A field of the template's data, `.NAME`, inside an action. */
const FIELD = /\.([A-Za-z_][A-Za-z0-9_]*)/g;

/** The fields a template reads, in order, each once: `{{ .user }}:{{ .password | urlquery }}` -> user, password. */
function templateFields(text: string): string[] {
  const out = new Set<string>();
  for (const [, action] of text.matchAll(ACTION)) for (const [, field] of action!.matchAll(FIELD)) out.add(field!);
  return [...out];
}

export function externalSecretKeys(es: K8sObject): ExternalSecretKeys {
  const store = `${str(at(es, 'spec', 'secretStoreRef', 'kind')) ?? 'SecretStore'}/${str(at(es, 'spec', 'secretStoreRef', 'name')) ?? ''}`;
  const fetched = new Map<string, RemoteValue>();
  for (const d of arr(at(es, 'spec', 'data'))) {
    const key = str(at(d, 'secretKey'));
    if (key) fetched.set(key, { store, key: str(at(d, 'remoteRef', 'key')) ?? '', property: str(at(d, 'remoteRef', 'property')) ?? '' });
  }
  const templated = new Map<string, { text: string; reads: string[] }>();
  for (const [k, text] of Object.entries(rec(at(es, 'spec', 'target', 'template', 'data')) ?? {})) {
    if (typeof text === 'string') templated.set(k, { text, reads: templateFields(text).filter((f) => fetched.has(f)) });
  }
  return { target: str(at(es, 'spec', 'target', 'name')) ?? str(es.metadata?.name) ?? '', fetched, templated };
}

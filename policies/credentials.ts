/**
 * Which stored credentials a pod reads, wherever its Secret comes from. Two pods that read the same
 * credential talk to the same account of the same store: an init Job that sets the password of
 * `langmem_user` and the API that signs in as `langmem_user` both read `<prefix>/data`
 * `LANGMEM_DB_PASSWORD`, even though one reads it from `postgres-credentials` and the other from a
 * URL templated into `agent-service-data`. The sync-wave order (stacks/sync-waves.ts) and the rule
 * `init-job-not-postsync` both use this to tell that a workload needs what an init Job creates.
 *
 * A credential is `store:<kind>/<name>:<remote key>#<property>` for a key an ExternalSecret fetches
 * (a templated key counts every fetched value its template names), and `secret:<name>#<key>` for a
 * key of any other Secret.
 */
import { secretsReadBy } from '../kube/pod-references.ts';
import { kindOf, namespaceOf, podTemplateOf } from './objects.ts';
import { externalSecretKeys } from '../kube/external-secret.ts';
import type { K8sObject } from './types.ts';

/** Secret key -> the credentials it carries, per `namespace/secret`. */
type SecretKeys = Map<string, Map<string, readonly string[]>>;

/** Secret key -> the credentials it carries: what it fetches, or the fetched values its template reads. */
function credentialKeys(es: K8sObject): Map<string, readonly string[]> {
  const { fetched, templated } = externalSecretKeys(es);
  const credential = (k: string): string => {
    const r = fetched.get(k)!;
    return `store:${r.store}:${r.key}#${r.property}`;
  };
  const keys = new Map<string, readonly string[]>([...fetched.keys()].map((k) => [k, [credential(k)]]));
  for (const [k, { reads }] of templated) keys.set(k, [...new Set(reads.map(credential))]);
  return keys;
}

/** Index of the Secrets ExternalSecrets write in `objects`. */
export function secretKeysOf(objects: readonly K8sObject[]): SecretKeys {
  const index: SecretKeys = new Map();
  for (const o of objects) {
    if (kindOf(o) !== 'ExternalSecret') continue;
    index.set(`${namespaceOf(o) ?? ''}/${externalSecretKeys(o).target}`, credentialKeys(o));
  }
  return index;
}

/** Every credential the pods of `o` read (env, envFrom, secret volumes), as strings described above. */
export function credentialsOf(o: K8sObject, index: SecretKeys): Set<string> {
  const out = new Set<string>();
  const t = podTemplateOf(o);
  if (!t) return out;
  const ns = namespaceOf(o) ?? '';
  const add = (secret: string | undefined, key: string | undefined): void => {
    if (!secret) return;
    const keys = index.get(`${ns}/${secret}`);
    if (!keys) {
      out.add(`secret:${secret}#${key ?? '*'}`);
      return;
    }
    for (const [k, creds] of keys) if (key === undefined || k === key) for (const c of creds) out.add(c);
  };
  for (const r of secretsReadBy(t)) {
    if (r.keys === undefined) add(r.name, undefined);
    else for (const k of r.keys) add(r.name, k);
  }
  return out;
}

/**
 * Where a namespace's data stores keep their superuser credentials, read from the rendered set:
 * which Secret keys hold a superuser's password (directly, or copied or templated from the same
 * remote secret property by another ExternalSecret), which pods are the stores themselves, and
 * which user names are superusers. Used by `no-store-superuser`.
 *
 * What counts:
 * - Elasticsearch: the `elastic` user; its password is what a store pod hands the image at boot in
 *   `ELASTIC_PASSWORD` (a container that sets it by secretKeyRef and declares port 9200).
 * - PostgreSQL (official image and derivatives): `POSTGRES_USER` (default `postgres`); its password
 *   is `POSTGRES_PASSWORD` of a container declaring port 5432.
 * - CloudNativePG: the `password` key of the Cluster's `spec.superuserSecret`, or of the Secret
 *   `<cluster>-superuser` the operator generates (there also `pgpass` and the `*uri` keys).
 * - Any key of any ExternalSecret whose value comes from the same remote property as one of the
 *   keys above (copied, or used in a template such as a connection URL), and any templated key that
 *   writes a superuser name into a URL's user-info (`https://elastic:...@`).
 * Redis is not covered: without ACL users its default user is the only one, so every client is it.
 */
import { arr, at, containersOf, kindOf, LONG_RUNNING_KINDS, nameOf, namespaceOf, podTemplateOf, rec, str } from './objects.ts';
import { externalSecretKeys } from '../kube/external-secret.ts';
import { OPERATOR_POD_KINDS, producedBy } from '../kube/produced.ts';
import type { RenderedSet } from './rendered-set.ts';
import type { K8sObject } from './types.ts';

interface StoreKind {
  readonly store: string;
  /** Environment variable through which the store's image receives the superuser password at first boot. */
  readonly passwordEnv: string;
  /** Environment variable naming the superuser, when the image lets it be renamed. */
  readonly userEnv?: string;
  readonly defaultUser: string;
  /** The store's client port; a container declaring it and setting `passwordEnv` is the store. */
  readonly port: number;
}

const STORES: readonly StoreKind[] = [
  { store: 'Elasticsearch', passwordEnv: 'ELASTIC_PASSWORD', defaultUser: 'elastic', port: 9200 },
  { store: 'PostgreSQL', passwordEnv: 'POSTGRES_PASSWORD', userEnv: 'POSTGRES_USER', defaultUser: 'postgres', port: 5432 },
];

/** One superuser credential: a key of a Secret, and whose it is. */
export interface SuperuserKey {
  /** A noun phrase for messages: `the Elasticsearch superuser elastic's password (set by StatefulSet elasticsearch)`. */
  readonly whose: string;
}

export interface StoreSuperusers {
  /** `secret\u0000key` -> whose credential it is. */
  readonly keys: ReadonlyMap<string, SuperuserKey>;
  /** Secrets holding at least one superuser key. */
  readonly secrets: ReadonlyMap<string, SuperuserKey>;
  /** Superuser names, e.g. `elastic`, `postgres`. */
  readonly users: ReadonlySet<string>;
  /** The store workloads themselves, which hand their image the superuser password. */
  readonly stores: ReadonlySet<K8sObject>;
}

/** The store a superuser name belongs to, for messages. */
const STORE_OF_USER: Readonly<Record<string, string>> = Object.fromEntries(STORES.map((s) => [s.defaultUser, s.store]));

export function secretKey(secret: string, key: string): string {
  return `${secret}\u0000${key}`;
}

/** Namespaces computed so far, per set. */
function byNamespace(): Map<string, StoreSuperusers> {
  return new Map();
}

export function storeSuperusers(set: RenderedSet, ns: string): StoreSuperusers {
  const perNs = set.derived(byNamespace);
  const hit = perNs.get(ns);
  if (hit) return hit;

  const keys = new Map<string, SuperuserKey>();
  const users = new Set<string>(STORES.map((s) => s.defaultUser));
  const stores = new Set<K8sObject>();

  for (const kind of LONG_RUNNING_KINDS) {
    for (const o of set.ofKindIn(kind, ns)) {
      const t = podTemplateOf(o);
      if (!t) continue;
      for (const c of containersOf(t)) {
        const ports = arr(c.container['ports']).map((p) => at(p, 'containerPort'));
        const env = arr(c.container['env']);
        for (const s of STORES) {
          if (!ports.includes(s.port)) continue;
          const pw = env.find((e) => str(at(e, 'name')) === s.passwordEnv);
          const ref = rec(at(pw, 'valueFrom', 'secretKeyRef'));
          if (!ref || !str(ref['name']) || !str(ref['key'])) continue;
          const user = (s.userEnv && str(at(env.find((e) => str(at(e, 'name')) === s.userEnv), 'value'))) || s.defaultUser;
          users.add(user);
          stores.add(o);
          keys.set(secretKey(str(ref['name'])!, str(ref['key'])!), { whose: `the ${s.store} superuser ${user}'s password (set by ${kindOf(o)} ${nameOf(o)})` });
        }
      }
    }
  }
  // Secrets an operator writes the superuser's password into (CloudNativePG, ECK), as the object model knows them.
  for (const kind of OPERATOR_POD_KINDS) {
    for (const o of set.ofKindIn(kind, ns)) {
      for (const s of producedBy(o).superuserSecrets) {
        users.add(s.user);
        for (const k of s.keys) keys.set(secretKey(s.secret, k), { whose: `the ${STORE_OF_USER[s.user] ?? 'store'} superuser ${s.user}'s password (${s.from})` });
      }
    }
  }

  // ExternalSecrets: a key is a superuser credential when its value comes from a remote property that
  // also feeds a superuser key, or when its template writes a superuser name into a URL's user-info.
  const externalSecrets = set.ofKindIn('ExternalSecret', ns).map((es) => {
    const { target, fetched, templated: fromTemplates } = externalSecretKeys(es);
    const remote = (k: string): string => `${fetched.get(k)!.key}\u0000${fetched.get(k)!.property}`;
    const sources = new Map<string, Set<string>>([...fetched.keys()].map((k) => [k, new Set([remote(k)])]));
    const templated = new Map<string, { sources: Set<string>; text: string }>();
    for (const [k, { text, reads }] of fromTemplates) templated.set(k, { sources: new Set(reads.map(remote)), text });
    return { target, sources, templated };
  });
  const superRemotes = new Map<string, SuperuserKey>();
  for (const es of externalSecrets) {
    const all: [string, Set<string>][] = [...es.sources, ...[...es.templated].map(([k, t]): [string, Set<string>] => [k, t.sources])];
    for (const [k, from] of all) {
      const whose = keys.get(secretKey(es.target, k));
      if (whose) for (const r of from) superRemotes.set(r, whose);
    }
  }
  const userInfo = new RegExp(`://(${[...users].map((u) => u.replace(/[^a-z0-9_-]/gi, '\\$&')).join('|')}):`);
  for (const es of externalSecrets) {
    for (const [k, from] of es.sources) {
      for (const r of from) {
        const whose = superRemotes.get(r);
        if (whose && !keys.has(secretKey(es.target, k))) keys.set(secretKey(es.target, k), { whose: `a copy of ${whose.whose}` });
      }
    }
    for (const [k, { sources, text }] of es.templated) {
      if (keys.has(secretKey(es.target, k))) continue;
      const whose = [...sources].map((r) => superRemotes.get(r)).find((w) => w !== undefined);
      if (whose) keys.set(secretKey(es.target, k), { whose: `a value built from ${whose.whose}` });
      else if (userInfo.test(text)) keys.set(secretKey(es.target, k), { whose: `a URL signing in as superuser ${userInfo.exec(text)![1]}` });
    }
  }

  const secrets = new Map<string, SuperuserKey>();
  for (const [k, whose] of keys) {
    const secret = k.split('\u0000')[0]!;
    if (!secrets.has(secret)) secrets.set(secret, whose);
  }
  const result = { keys, secrets, users, stores };
  perNs.set(ns, result);
  return result;
}

/** The namespace of an object as the set indexes it. */
export function nsOf(o: K8sObject): string {
  return namespaceOf(o) ?? '';
}

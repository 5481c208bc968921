import { arr, at, containerLabel, containersOf, LONG_RUNNING_KINDS, podTemplateOf, rec, str } from '../objects.ts';
import { secretsReadBy } from '../../kube/pod-references.ts';
import { nsOf, secretKey, storeSuperusers } from '../store-superusers.ts';
import type { Rule, Violation } from '../types.ts';

/** Variables that name the user a client signs in as (`ES_USERNAME`, `PGUSER`, `DATA_SOURCE_USER`). */
const USER_VAR = /(^|_)(USER|USERNAME|USER_NAME|LOGIN)$|^PGUSER$/i;
/** A URL's user-info, `scheme://user:password@` or `scheme://user@` (not `scheme://host:port`). */
const URL_USER = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@]+)(?::[^\s/@]*)?@/gi;
/** A command-line flag naming the user, `--es.username=elastic`, `--user elastic`. */
const USER_FLAG = /^--?[a-z0-9._-]*user(name)?(=(.*))?$/i;

export const rule: Rule = {
  id: 'no-store-superuser',
  category: 'security',
  description: 'No long-running workload (Deployment, StatefulSet, DaemonSet) may authenticate to a data store as its superuser; only the store itself and Jobs (init, backup, restore) may hold that credential.',
  rationale:
    'A service exposed to prompt injection, or an exporter, that holds `elastic` or `postgres` can read, rewrite and delete every index and database, and change every password. ' +
    'What counts as a superuser credential: the Secret key a store pod hands its image at first boot (`ELASTIC_PASSWORD` of a container serving 9200; `POSTGRES_PASSWORD` of one serving 5432, user `POSTGRES_USER` or `postgres`), ' +
    'the `password` of a CloudNativePG Cluster’s `superuserSecret` (default `<cluster>-superuser`), and every ExternalSecret key copied or templated from the same remote property, or whose template writes a superuser name into a URL. ' +
    'A workload uses one when a container reads such a key (`secretKeyRef`, a whole Secret by `envFrom`, a secret volume projecting it), sets a user variable (`…USER`, `…USERNAME`, `PGUSER`, directly or from an imported ConfigMap) or a `--…user…` flag to a superuser name, or puts one in a URL’s user-info. ' +
    'Exempt: the store’s own pods, sidecars included (they share its network namespace and trust boundary), and Jobs and CronJobs, which run briefly to create users, back up or restore. ' +
    'Redis is not covered: without ACL users its default user is the only identity. Give each client a user of its own with only the privileges it needs (the `elasticsearch-init` Job does this for Elasticsearch).',
  severity: 'error',
  kinds: LONG_RUNNING_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const su = storeSuperusers(set, nsOf(o));
    if (su.stores.has(o)) return [];
    const out: Violation[] = [];
    const isSuperuser = (name: string | undefined) => name !== undefined && su.users.has(name);
    const urlUsers = (text: string) => [...text.matchAll(URL_USER)].map((m) => m[1]!).filter(isSuperuser);
    // Secrets read: a key (env, a volume's items) or the whole Secret (envFrom, a volume without items).
    for (const r of secretsReadBy(t)) {
      if (r.via === 'env' && r.keys === undefined) continue; // a secretKeyRef without a key reads nothing
      const cred = r.keys === undefined ? su.secrets.get(r.name) : r.keys.map((k) => su.keys.get(secretKey(r.name, k))).find((x) => x !== undefined);
      if (!cred) continue;
      const who = r.container ? containerLabel(r.container) : '';
      const message =
        r.via === 'env'
          ? `${who} reads ${r.variable} from Secret ${r.name} key ${r.keys?.[0]}, ${cred.whose}; expected a user of its own with only the privileges it needs`
          : r.via === 'envFrom'
            ? `${who} imports every key of Secret ${r.name}, which holds ${cred.whose}; expected only the keys it needs, none of them a superuser's`
            : `volume "${r.volume}" mounts Secret ${r.name}, which holds ${cred.whose}; expected only keys that are not a superuser's`;
      out.push({ path: r.at, message });
    }
    for (const c of containersOf(t)) {
      const who = containerLabel(c);
      arr(c.container['env']).forEach((e, i) => {
        const name = str(at(e, 'name')) ?? String(i);
        const value = str(at(e, 'value'));
        if (value !== undefined && USER_VAR.test(name) && isSuperuser(value)) {
          out.push({ path: `${c.path}.env[${i}].value`, message: `${who} sets ${name} to superuser "${value}"; expected a user of its own with only the privileges it needs` });
        } else if (value !== undefined) {
          for (const u of urlUsers(value)) out.push({ path: `${c.path}.env[${i}].value`, message: `${who} sets ${name} to a URL signing in as superuser "${u}"; expected a user of its own` });
        }
      });
      arr(c.container['envFrom']).forEach((e, i) => {
        // Settings imported from a ConfigMap are environment variables like any other.
        const configMap = str(at(e, 'configMapRef', 'name'));
        const data = configMap !== undefined ? rec(at(set.get('ConfigMap', nsOf(o), configMap), 'data')) : undefined;
        for (const [k, v] of Object.entries(data ?? {})) {
          if (typeof v !== 'string') continue;
          const prefixed = `${str(at(e, 'prefix')) ?? ''}${k}`;
          const users = USER_VAR.test(prefixed) && isSuperuser(v) ? [v] : urlUsers(v);
          for (const u of users) out.push({ path: `${c.path}.envFrom[${i}].configMapRef`, message: `${who} imports ${prefixed} from ConfigMap ${configMap}, which signs in as superuser "${u}"; expected a user of its own` });
        }
      });
      for (const field of ['command', 'args']) {
        arr(c.container[field]).forEach((a, i) => {
          if (typeof a !== 'string') return;
          const flag = USER_FLAG.exec(a);
          const next = str(arr(c.container[field])[i + 1]);
          const flagUser = flag ? (flag[2] !== undefined ? flag[3] : next) : undefined;
          const found = [...(isSuperuser(flagUser) ? [flagUser!] : []), ...urlUsers(a)];
          for (const u of found) out.push({ path: `${c.path}.${field}[${i}]`, message: `${who} signs in as superuser "${u}" on its command line; expected a user of its own` });
        });
      }
    }
    return out;
  },
};

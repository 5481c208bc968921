/**
 * Every claim names a StorageClass: a component's own `storageClass` (`storageClassName` for
 * Prometheus and Alertmanager), else the cluster's default from `gitops.storage.defaultClass`.
 * Resolved once, before the tiers are built, so constructs receive a class and never fall back to
 * whatever the cluster marks as default (on EKS the unencrypted, in-tree `gp2`).
 */
import type { Environment } from '../environments/schema/index.ts';

type Storage = { readonly size: string; readonly storageClass?: string };

function withClass<T extends Storage | undefined>(storage: T, fallback: string): T {
  return storage === undefined ? storage : ({ ...storage, storageClass: storage.storageClass ?? fallback } as T);
}

/** `env` with the cluster's default StorageClass filled into every claim that names none. */
export function withStorageClasses(env: Environment): Environment {
  const fallback = env.gitops.storage.defaultClass;
  const mon = env.monitoring;
  // Every store in the cluster has a volume; a managed one's `storage` is what AWS allocates.
  const stores = Object.fromEntries(
    Object.entries(env.data).map(([name, s]) => [name, 'mode' in s && s.mode !== 'managed' && 'storage' in s ? { ...s, storage: withClass(s.storage, fallback) } : s]),
  ) as Environment['data'];
  return {
    ...env,
    data: stores,
    monitoring: {
      ...mon,
      prometheus: { ...mon.prometheus, storageClassName: mon.prometheus.storageClassName ?? fallback },
      ...(mon.alertmanager ? { alertmanager: { ...mon.alertmanager, storageClassName: mon.alertmanager.storageClassName ?? fallback } } : {}),
    },
  };
}

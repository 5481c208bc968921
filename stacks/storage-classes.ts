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
  const { postgres, redis, elasticsearch } = env.data;
  const mon = env.monitoring;
  return {
    ...env,
    data: {
      ...env.data,
      postgres: postgres.mode === 'managed' ? postgres : { ...postgres, storage: withClass(postgres.storage, fallback) },
      redis: redis.mode === 'managed' ? redis : { ...redis, storage: withClass(redis.storage, fallback) },
      elasticsearch: elasticsearch.mode === 'statefulset' ? { ...elasticsearch, storage: withClass(elasticsearch.storage, fallback) } : elasticsearch,
    },
    monitoring: {
      ...mon,
      prometheus: { ...mon.prometheus, storageClassName: mon.prometheus.storageClassName ?? fallback },
      ...(mon.alertmanager ? { alertmanager: { ...mon.alertmanager, storageClassName: mon.alertmanager.storageClassName ?? fallback } } : {}),
    },
  };
}

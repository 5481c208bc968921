/**
 * Redis, end to end: in the cluster (./redis.ts, with redis-exporter, a backup CronJob and
 * its restore) or Amazon ElastiCache (`managed`: nothing rendered, the service connects to the
 * endpoint). Either way the service gets `REDIS_HOST`/`REDIS_PORT` and a `REDIS_URL` whose password
 * comes from the `data` remote secret's `REDIS_PASSWORD`.
 */
import { BackupCronJob } from '../../constructs/backup-cron-job.ts';
import type { k8s } from '../../constructs/k8s.ts';
import { Redis } from './redis.ts';
import { userInfoTemplate } from '../../constructs/url-user-info.ts';
import { IMAGES, pinnedImageRef } from '../../constructs/versions.ts';
import type { DataContext, StoreModule, StorePart } from '../store.ts';
import { redisAlertGroup } from './alerts.ts';
import { REDIS_DASHBOARD } from './dashboard.ts';
import { redisMaxMemoryBytes } from './schema.ts';

/** Key of the `data` remote secret holding the password, in every mode. */
export const REDIS_PASSWORD_KEY = 'REDIS_PASSWORD';

function build(ctx: DataContext): StorePart {
  const rd = ctx.env.data.redis;
  const service = (host: string, port: number, scheme: 'redis' | 'rediss') => ({
    settings: { REDIS_HOST: host, REDIS_PORT: String(port) },
    secretKeys: [REDIS_PASSWORD_KEY],
    templates: { REDIS_URL: `${scheme}://${userInfoTemplate('', REDIS_PASSWORD_KEY)}${host}:${port}/0` },
  });

  if (rd.mode === 'managed') {
    const peer = ctx.managed('managed Redis');
    return {
      ...monitoring,
      service: service(rd.endpoint.host, rd.endpoint.port, rd.tls ? 'rediss' : 'redis'),
      scrapeTargets: [],
      workloads: [],
      backupJobs: [],
      allowClient: (c) => c.connections.allowToExternal(peer, [{ port: rd.endpoint.port }]),
    };
  }

  const secret = ctx.secret('redis-credentials', { name: 'redis-credentials', component: 'cache', keys: [REDIS_PASSWORD_KEY] });
  const image = pinnedImageRef(IMAGES.redis);
  const redis = new Redis(ctx.scope, 'redis', {
    image,
    exporterImage: pinnedImageRef(IMAGES.redisExporter),
    resources: rd.resources,
    storage: rd.storage,
    maxMemoryBytes: redisMaxMemoryBytes(rd),
    maxMemoryPolicy: rd.maxMemoryPolicy,
    password: { name: secret.secretName, key: REDIS_PASSWORD_KEY },
  });

  const redisEnv: k8s.EnvVar[] = [
    { name: 'REDIS_HOST', value: redis.host },
    { name: 'REDIS_PORT', value: String(redis.port) },
    secret.envVar(REDIS_PASSWORD_KEY, 'REDISCLI_AUTH'),
  ];
  const backup = new BackupCronJob(ctx.scope, 'redis-backup', {
    ...ctx.backup.cron,
    name: 'redis-backup',
    store: 'redis',
    workStorage: redis.storage,
    steps: [{ name: 'dump', image, script: 'redis-dump.sh', env: redisEnv }, ctx.backup.upload('redis')],
    // Run with Redis scaled to 0 (redis-restore.sh checks): Redis would overwrite the files on
    // shutdown, and its claim (ReadWriteOncePod where supported) admits one pod at a time.
    restoreSteps: [
      ctx.backup.fetch('redis'),
      {
        name: 'restore',
        image,
        script: 'redis-restore.sh',
        uid: redis.uid,
        // The script refuses while the Redis on this claim answers, and says how to stop it.
        env: [
          { name: 'REDIS_DATA_DIR', value: '/data' },
          { name: 'REDIS_HOST', value: redis.dataPodHost },
          { name: 'REDIS_PORT', value: String(redis.port) },
          { name: 'REDIS_STATEFULSET', value: redis.name },
          { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
        volumeMounts: [{ name: 'redis-data', mountPath: '/data' }],
      },
    ],
    restoreVolumes: [{ name: 'redis-data', persistentVolumeClaim: { claimName: redis.dataClaimName } }],
    restoreFsGroup: redis.uid,
  });
  backup.connections.allowTo(redis);
  backup.connections.allowToExternal(ctx.aws, [{ port: 443 }]);

  return {
    ...monitoring,
    service: service(redis.host, redis.port, 'redis'),
    scrapeTargets: [{ job: 'redis-exporter', workload: redis, ...redis.metrics, owner: { component: 'redis', severity: 'critical' } }],
    workloads: [{ ...redis.workload, component: 'redis' }],
    backupJobs: [backup],
    allowClient: (c) => c.connections.allowTo(redis),
  };
}

const monitoring = { alertGroups: [redisAlertGroup()], dashboards: [REDIS_DASHBOARD] };

export const redisStore: StoreModule = {
  name: 'redis',
  monitoring,
  scripts: ['redis-dump.sh', 'redis-restore.sh'],
  scriptsDir: new URL('./', import.meta.url),
  build,
};

/**
 * The data tier: Postgres (with pgvector), Redis and Elasticsearch, and where their backups go.
 *
 * Each store has a `mode`:
 * - `statefulset`: rendered in the cluster by this repository (constructs/postgres-stateful-set.ts,
 *   redis.ts, elasticsearch.ts), with a backup CronJob.
 * - `cloudnative-pg` (Postgres only): a CloudNativePG `Cluster` with continuous WAL archiving and
 *   scheduled base backups to the backup bucket, plus the same logical-dump CronJob.
 * - `managed`: nothing is rendered for the store; the service connects to `endpoint`. The Pulumi
 *   program (`stacks/pulumi/`) provisions RDS / ElastiCache / OpenSearch from the same block
 *   (`instanceClass`, `storage.size`), and the backup bucket and IAM role from `backup`.
 */
import { z } from 'zod';
import { cronSchedule } from './cron.ts';
import { timeZone } from './time-zone.ts';
import { resources } from './common.ts';
import { endpoint, instanceClass, storage } from './store-blocks.ts';
import { checkRedis, redis } from '../../components/redis/schema.ts';

/** A database and its owner role. */
const database = (name: string, owner: string) =>
  z
    .strictObject({
      /** @default the documented name */
      name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default(name),
      /** Login role that owns the database. */
      owner: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default(owner),
    })
    .prefault({});

/** What every Postgres mode shares: the two databases of the service. */
const postgresCommon = {
  /** The service's own database (`DATABASE_URL`). @default { name: 'agent_platform', owner: 'agent_app' } */
  appDatabase: database('agent_platform', 'agent_app'),
  /** LangMem's store (`LANGMEM_POSTGRES_URL`; design 004: `langmem_store`, `langmem_user`). */
  langmemDatabase: database('langmem_store', 'langmem_user'),
};

const postgresInCluster = {
  ...postgresCommon,
  /** Design 004: requests 512Mi/250m, limits 2Gi/1000m. */
  resources: resources.default({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } }),
  storage,
  /** Postgres `max_connections`; must cover every pool (pods × workers × `settings.dbPoolSize`). @default 200 */
  maxConnections: z.number().int().min(10).max(5000).default(200),
};

export const postgres = z.discriminatedUnion('mode', [
  z.strictObject({
    /** One pod running `pgvector/pgvector` (dev, staging). */
    mode: z.literal('statefulset'),
    ...postgresInCluster,
  }),
  z.strictObject({
    /** A CloudNativePG Cluster: streaming replicas on separate nodes, failover, point-in-time recovery (prod). */
    mode: z.literal('cloudnative-pg'),
    ...postgresInCluster,
    /** Postgres instances (one primary, the rest replicas). @default 3 */
    instances: z.number().int().min(1).max(9).default(3),
    /** How long base backups and WAL are kept in the bucket (CloudNativePG `retentionPolicy`). @default - `backup.retentionDays` */
    pitrRetentionDays: z.number().int().min(1).max(3650).optional(),
  }),
  z.strictObject({
    /** Amazon RDS for PostgreSQL (provisioned by the Pulumi program); nothing is rendered. */
    mode: z.literal('managed'),
    ...postgresCommon,
    endpoint: endpoint(5432),
    /**
     * The RDS master user: the Pulumi program creates the instance with it, and the init Job and
     * the backups connect as it (password: `POSTGRES_SUPERUSER_PASSWORD` in the `data` secret).
     * @default 'platform_admin'
     */
    masterUsername: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default('platform_admin'),
    instanceClass: instanceClass.optional(),
    /** Allocated storage of the managed instance. */
    storage: storage.optional(),
  }),
], { error: 'a mode of "statefulset", "cloudnative-pg" or "managed"' });
export type PostgresSettings = z.infer<typeof postgres>;

/** An Elasticsearch index pattern needing no escaping in JSON; index names are lower case. */
const indexPattern = z.string().max(255).regex(/^[a-z0-9*][a-z0-9._*-]*$/, 'a lower-case index pattern like "ai-agent-*"');
/** filebeat's daily `ai-agent-%{+yyyy.MM.dd}` of design 003. */
const LOG_INDICES = 'ai-agent-*';

export const elasticsearch = z.discriminatedUnion('mode', [
  z.strictObject({
    /** Elasticsearch nodes in a StatefulSet, every node master-eligible and data. */
    mode: z.literal('statefulset'),
    /** Render it at all; the service runs without search. @default true */
    enabled: z.boolean().default(true),
    /** 1 (dev) or at least 3: two master-eligible nodes cannot elect a master after losing one. @default 1 */
    nodes: z.number().int().min(1).max(15).default(1),
    resources: resources.default({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } }),
    /** Data volume of each node. @default { size: '30Gi' } */
    storage: storage.default({ size: '30Gi' }),
    /**
     * Indices holding the service's logs (filebeat's daily `ai-agent-%{+yyyy.MM.dd}`, design 003):
     * Grafana's logs datasource searches them, and its read-only user (`grafana_logs`, role
     * `logs_reader`, created by the `elasticsearch-init` Job) may read these and nothing else.
     * @default 'ai-agent-*'
     */
    logIndexPattern: indexPattern.default(LOG_INDICES),
    /**
     * Indices the service owns: its user (`agent_service`, created by the `elasticsearch-init` Job)
     * may read and write these and nothing else, so `ELASTICSEARCH_URL` never carries `elastic`.
     * The design names one index of the service's, its log index `ai-agent-%{+yyyy.MM.dd}` (003);
     * no log shipper is deployed, so the service writes it itself.
     * @default ['ai-agent-*']
     */
    serviceIndexPatterns: z.array(indexPattern).min(1).max(20).default([LOG_INDICES]),
  }),
  z.strictObject({
    /** Amazon OpenSearch Service (provisioned by the Pulumi program); nothing is rendered. */
    mode: z.literal('managed'),
    /** @default true */
    enabled: z.boolean().default(true),
    endpoint: endpoint(443),
    instanceClass: instanceClass.optional(),
  }),
], { error: 'a mode of "statefulset" or "managed"' });
export type ElasticsearchSettings = z.infer<typeof elasticsearch>;

/** An IAM role ARN, for IRSA (`eks.amazonaws.com/role-arn`). */
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\/-]+$/, 'an IAM role ARN like arn:aws:iam::123456789012:role/name');

/**
 * Where and when the backup CronJobs write. The Pulumi program creates the bucket (versioned,
 * encrypted, lifecycle one day longer than `retentionDays`) and the IAM role from this block.
 */
export const backup = z.strictObject({
  /** S3 bucket of every backup of the environment. */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name like "acme-backups"'),
  /** Region of the bucket, e.g. `eu-central-1`. */
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, 'an AWS region like "eu-central-1"'),
  /** Key prefix of the environment's backups (`<prefix>/<store>/<id>/`); never shared between environments. */
  prefix: z.string().regex(/^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+)*$/, 'a key prefix like "agent-platform/prod" (no leading or trailing "/")'),
  /** Cron schedule, in the cluster's time zone unless `timeZone` is set. @default '0 2 * * *' (daily at 02:00, design 000) */
  schedule: cronSchedule.default('0 2 * * *'),
  /** IANA time zone of `schedule`. @default 'Etc/UTC' */
  timeZone: timeZone.default('Etc/UTC'),
  /** Days a backup is kept; the newest successful one is kept regardless. @default 7 */
  retentionDays: z.number().int().min(1).max(3650).default(7),
  /**
   * IAM role the backup ServiceAccount assumes (IRSA annotation `eks.amazonaws.com/role-arn`).
   * Without it the AWS credentials come from the `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` keys of
   * the environment's `data` secret.
   * @default - no role; static keys from the secret store
   */
  roleArn: roleArn.optional(),
});
export type BackupSettings = z.infer<typeof backup>;

export const data = z.strictObject({
  postgres,
  redis,
  elasticsearch,
  backup,
});
export type DataSettings = z.infer<typeof data>;

/** Cross-field rules of the data tier; called from the environment schema's superRefine. */
export function checkData(env: { readonly production: boolean; readonly data: DataSettings }, ctx: z.RefinementCtx): void {
  const { postgres: pg, redis: rd, elasticsearch: es } = env.data;
  if (env.production && pg.mode === 'statefulset') {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'postgres', 'mode'],
      input: pg.mode,
      message: 'cloudnative-pg or managed in production (one Postgres pod does not survive a node loss)',
    });
  }
  if (env.production && pg.mode === 'cloudnative-pg' && pg.instances < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'postgres', 'instances'],
      input: pg.instances,
      message: 'at least 2 instances in production (a replica to fail over to)',
    });
  }
  checkRedis(rd, ctx);
  if (es.mode === 'statefulset' && es.nodes === 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'elasticsearch', 'nodes'],
      input: es.nodes,
      message: '1 or at least 3 nodes (two master-eligible nodes cannot elect a master after losing one)',
    });
  }
  if (env.production && es.mode === 'statefulset' && es.enabled && es.nodes < 3) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'elasticsearch', 'nodes'],
      input: es.nodes,
      message: 'at least 3 nodes in production',
    });
  }
}

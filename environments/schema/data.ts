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
import { checkElasticsearch, elasticsearch } from '../../components/elasticsearch/schema.ts';
import { checkPostgres, postgres } from '../../components/postgres/schema.ts';
import { checkRedis, redis } from '../../components/redis/schema.ts';



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
  /** Cron schedule, in the cluster's time zone unless `timeZone` is set. @default '0 2 * * *' (daily at 02:00, as the guides back up) */
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
  checkPostgres(pg, env.production, ctx);
  checkRedis(rd, ctx);
  checkElasticsearch(es, env.production, ctx);
}

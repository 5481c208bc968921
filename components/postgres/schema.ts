/**
 * `data.postgres` of an environment: a StatefulSet (`statefulset`), a CloudNativePG Cluster
 * (`cloudnative-pg`) or Amazon RDS (`managed`, provisioned by the Pulumi program from the same block).
 */
import { z } from 'zod';
import { resources } from '../../environments/schema/common.ts';
import { endpoint, instanceClass, storage } from '../../environments/schema/store-blocks.ts';
import { DEFAULT_MAX_CONNECTIONS, POSTGRES_PORT } from '../../constructs/postgres-stateful-set.ts';

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
  /** LangMem's store (`LANGMEM_POSTGRES_URL`; the service's names, docs/design-inputs.md). */
  langmemDatabase: database('langmem_store', 'langmem_user'),
};

const postgresInCluster = {
  ...postgresCommon,
  /** The guides' Postgres sizing (docs/design-inputs.md). */
  resources: resources.default({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } }),
  /** Data volume. @default { size: '20Gi' } */
  storage: storage.default({ size: '20Gi' }),
  /** Postgres `max_connections`; must cover every pool (pods × workers × `settings.dbPoolSize`). @default 200 */
  maxConnections: z.number().int().min(10).max(5000).default(DEFAULT_MAX_CONNECTIONS),
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
    endpoint: endpoint(POSTGRES_PORT),
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
], { error: 'a mode of "statefulset", "cloudnative-pg" or "managed"' }).prefault({ mode: 'statefulset' });
export type PostgresSettings = z.infer<typeof postgres>;

/** Cross-field rules of `data.postgres`; called from the data schema's checks. */
export function checkPostgres(pg: PostgresSettings, production: boolean, ctx: z.RefinementCtx): void {
  if (production && pg.mode === 'statefulset') {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'postgres', 'mode'],
      input: pg.mode,
      message: 'cloudnative-pg or managed in production (one Postgres pod does not survive a node loss)',
    });
  }
  if (production && pg.mode === 'cloudnative-pg' && pg.instances < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'postgres', 'instances'],
      input: pg.instances,
      message: 'at least 2 instances in production (a replica to fail over to)',
    });
  }
}

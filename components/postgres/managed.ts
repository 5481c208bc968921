/**
 * Postgres as Amazon RDS for PostgreSQL 16 (`data.postgres.mode: managed`), provisioned by the
 * Pulumi program: private, TLS only, pgvector allowed, encrypted, backed up, and in production
 * multi-zone and deletion-protected. RDS keeps the master password in Secrets Manager itself
 * (`manageMasterUserPassword`); it is never in code or config.
 */
import * as aws from '@pulumi/aws';
import { POSTGRES_PORT } from '../../constructs/postgres-stateful-set.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { quantityBytes } from '../../kube/quantity.ts';
import type { ManagedEndpoint, ManagedStore, ManagedStoreContext } from '../../stacks/pulumi/managed-store.ts';

/** Extensions the application may create; anything else is refused by RDS. */
export const POSTGRES_ALLOWED_EXTENSIONS = ['vector', 'pg_stat_statements'] as const;

export type ManagedPostgres = Extract<ManagedStore, { engine: 'postgres' }>;

/** Gibibytes in a binary quantity (`100Gi`), rounded up. */
function gibibytes(quantity: string | undefined, fallback: number): number {
  return quantity === undefined ? fallback : Math.ceil(quantityBytes(quantity) / 2 ** 30);
}

/** The RDS instance `env` asks for, if its Postgres is managed. */
export function managedPostgresOf(env: Environment): ManagedPostgres | undefined {
  const postgres = env.data.postgres;
  if (postgres.mode !== 'managed') return undefined;
  return {
    engine: 'postgres',
    name: 'postgres',
    identifier: `${env.namespace}-postgres`,
    instanceClass: postgres.instanceClass ?? (env.production ? 'db.r6g.large' : 'db.t4g.medium'),
    storageGiB: gibibytes(postgres.storage?.size, 20),
    database: postgres.appDatabase.name,
    username: postgres.masterUsername,
  };
}

export function provisionRds(ctx: ManagedStoreContext, store: ManagedPostgres): ManagedEndpoint {
  const id = store.identifier;
  const { production, tags } = ctx.args;
  ctx.allowFromCluster(store.name, POSTGRES_PORT);
  const subnets = new aws.rds.SubnetGroup(`${ctx.name}-${store.name}-subnets`, { name: id, subnetIds: [...ctx.args.subnetIds], tags }, ctx.child);
  const params = new aws.rds.ParameterGroup(
    `${ctx.name}-${store.name}-params`,
    {
      name: id,
      family: 'postgres16',
      description: `${id}: TLS only, pgvector allowed`,
      parameters: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'rds.allowed_extensions', value: POSTGRES_ALLOWED_EXTENSIONS.join(',') },
        { name: 'shared_preload_libraries', value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
      ],
      tags,
    },
    ctx.child,
  );
  const db = new aws.rds.Instance(
    `${ctx.name}-${store.name}`,
    {
      identifier: id,
      engine: 'postgres',
      engineVersion: '16',
      instanceClass: store.instanceClass,
      allocatedStorage: store.storageGiB,
      maxAllocatedStorage: store.storageGiB * 4,
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: store.database,
      username: store.username,
      manageMasterUserPassword: true,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [ctx.securityGroupId],
      parameterGroupName: params.name,
      publiclyAccessible: false,
      multiAz: production,
      backupRetentionPeriod: production ? 30 : 7,
      copyTagsToSnapshot: true,
      deletionProtection: production,
      skipFinalSnapshot: !production,
      finalSnapshotIdentifier: production ? `${id}-final` : undefined,
      autoMinorVersionUpgrade: true,
      tags,
    },
    ctx.keep,
  );
  return { engine: 'postgres', host: db.address, port: POSTGRES_PORT, masterSecretArn: db.masterUserSecrets.apply((s) => s[0]?.secretArn) };
}

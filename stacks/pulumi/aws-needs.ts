/**
 * What the AWS side must provide for one environment, from the environment data and the facts its
 * chart reports (no rendered object is read back): the backup bucket and the identity of the backup
 * writers (as the data tier reports them), the
 * Secrets Manager entries the ExternalSecrets name, the identity External Secrets Operator reads
 * them with, and the data stores that run as managed AWS services. Pure.
 */
import type { Environment } from '../../environments/schema/index.ts';
import { managedStoresOf } from '../../components/managed.ts';
import type { BackupWriter } from '../../components/store.ts';
import { storeServiceAccount } from '../../constructs/aws-cluster-secret-store.ts';
import { addOnOf } from '../add-ons.ts';
import type { ManagedStore } from './managed-store.ts';

export { managedStoresOf } from '../../components/managed.ts';
export type { ManagedStore } from './managed-store.ts';

/** A Kubernetes ServiceAccount an IAM role is assumed by (IRSA). */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** Where backups go and who writes them. */
export interface BackupNeeds {
  /** Bucket name (global in S3, so it carries the environment's name). */
  readonly bucket: string;
  readonly region: string;
  /** Key prefix the backup jobs write under, without a trailing slash. */
  readonly prefix: string;
  /** Days the backup jobs keep a backup (they prune themselves, keeping the newest regardless). */
  readonly retentionDays: number;
  /**
   * The ServiceAccounts that write backups (backup CronJobs, CloudNativePG's archiver,
   * Elasticsearch's nodes), as the data tier reports them, sorted; empty when nothing in the
   * cluster writes backups.
   */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** Name of the IAM role they assume. */
  readonly roleName: string;
}

export interface AwsNeeds {
  readonly region: string;
  /** Names the AWS resources of the environment start with. */
  readonly resourcePrefix: string;
  readonly production: boolean;
  readonly backup: BackupNeeds;
  /** Secrets Manager entries the environment's ExternalSecrets read, sorted. */
  readonly secretNames: readonly string[];
  /** The role External Secrets Operator assumes to read them. */
  readonly secretReader: { readonly roleName: string; readonly roleArn?: string; readonly serviceAccount?: ServiceAccountRef };
  readonly managedStores: readonly ManagedStore[];
}

/**
 * The ServiceAccounts that write to the backup bucket, as the data tier reports them (backup jobs,
 * Elasticsearch's nodes, CloudNativePG's instances), once each, sorted. A writer outside the
 * environment's bucket and prefix would get no permission from the role: refused here, by name.
 */
function backupServiceAccounts(env: Environment, writers: readonly BackupWriter[]): ServiceAccountRef[] {
  const { bucket, prefix } = env.data.backup;
  const found = new Map<string, ServiceAccountRef>();
  for (const w of writers) {
    if (w.bucket !== bucket || !w.prefix.startsWith(`${prefix}/`)) {
      throw new Error(
        `environments/${env.name}.yaml: ServiceAccount ${w.namespace}/${w.name} writes backups to s3://${w.bucket}/${w.prefix}, outside data.backup (s3://${bucket}/${prefix}/) that the backup role grants`,
      );
    }
    found.set(`${w.namespace}/${w.name}`, { namespace: w.namespace, name: w.name });
  }
  return [...found.values()].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
}

/** The ServiceAccount this environment's ClusterSecretStore authenticates as, as the store's construct reports it. */
function secretReaderAccount(env: Environment): ServiceAccountRef | undefined {
  if (env.secrets.store.kind !== 'ClusterSecretStore') return undefined;
  return storeServiceAccount(env.secrets.store.name, addOnOf('external-secrets').namespace);
}

/** `role/name` of an IAM role ARN, or throws quoting the field. */
function roleNameOf(arn: string, field: string): string {
  const m = /^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/(?:.*\/)?([A-Za-z0-9+=,.@_-]+)$/.exec(arn);
  if (!m) throw new Error(`${field}: ${JSON.stringify(arn)} is not an IAM role ARN`);
  return m[2]!;
}

/** The account an ARN belongs to. */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** What the chart of an environment reports (stacks/platform-chart.ts); no rendered object is read. */
export interface ReportedFacts {
  /** The data tier's backup writers (stacks/data-tier.ts). */
  readonly backupWriters: readonly BackupWriter[];
  /** The secret store entries its ExternalSecrets read. */
  readonly remoteSecretKeys: readonly string[];
}

/** What the AWS side of `env` must provide, given what its chart reports. */
export function awsNeedsOf(env: Environment, reported: ReportedFacts): AwsNeeds {
  const resourcePrefix = env.namespace;
  const backup = env.data.backup;
  const backupAccounts = backupServiceAccounts(env, reported.backupWriters);
  return {
    region: env.gitops.secretStore.region,
    resourcePrefix,
    production: env.production,
    backup: {
      bucket: backup.bucket,
      region: backup.region,
      prefix: backup.prefix,
      retentionDays: backup.retentionDays,
      serviceAccounts: backupAccounts,
      roleName: backup.roleArn ? roleNameOf(backup.roleArn, 'data.backup.roleArn') : `${resourcePrefix}-backup`,
    },
    secretNames: [...reported.remoteSecretKeys],
    secretReader: {
      roleName: roleNameOf(env.gitops.secretStore.roleArn, 'gitops.secretStore.roleArn'),
      roleArn: env.gitops.secretStore.roleArn,
      serviceAccount: secretReaderAccount(env),
    },
    managedStores: managedStoresOf(env),
  };
}

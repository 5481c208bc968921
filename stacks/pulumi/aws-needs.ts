/**
 * What the AWS side must provide for one environment, read from the environment data and from the
 * objects synth renders for it: the backup bucket and the identity of the backup jobs, the
 * Secrets Manager entries the ExternalSecrets name, the identity External Secrets Operator reads
 * them with, and the data stores that run as managed AWS services. Pure.
 */
import type { Environment } from '../../environments/schema/index.ts';
import type { Manifest } from '../render.ts';
import { buildGitOps } from '../gitops.ts';

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
  /** Days a backup is kept; the bucket's lifecycle expires objects after this. */
  readonly retentionDays: number;
  /** The backup CronJobs' ServiceAccount. */
  readonly serviceAccount: ServiceAccountRef;
  /** Name of the IAM role the backup jobs assume. */
  readonly roleName: string;
}

/** A data store Pulumi runs as an AWS service instead of an in-cluster workload. */
export type ManagedStore =
  | { readonly engine: 'postgres'; readonly name: string; readonly instanceClass: string; readonly storageGiB: number; readonly databases: readonly string[]; readonly username: string }
  | { readonly engine: 'redis'; readonly name: string; readonly nodeType: string }
  | { readonly engine: 'opensearch'; readonly name: string; readonly instanceType: string; readonly volumeGiB: number };

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

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Remote keys named by every ExternalSecret rendered for the environment. */
export function externalSecretKeys(manifests: readonly Manifest[]): string[] {
  const keys = new Set<string>();
  for (const m of manifests) {
    if (m.kind !== 'ExternalSecret') continue;
    const spec = (m['spec'] ?? {}) as { data?: { remoteRef?: { key?: unknown } }[]; dataFrom?: { extract?: { key?: unknown } }[] };
    for (const d of spec.data ?? []) if (str(d.remoteRef?.key)) keys.add(d.remoteRef!.key as string);
    for (const d of spec.dataFrom ?? []) if (str(d.extract?.key)) keys.add(d.extract!.key as string);
  }
  return [...keys].sort();
}

/** The ServiceAccount the backup CronJobs run as, when a backup CronJob is rendered. */
function backupServiceAccount(manifests: readonly Manifest[]): ServiceAccountRef | undefined {
  const accounts = new Set<string>();
  let namespace = '';
  for (const m of manifests) {
    if (m.kind !== 'CronJob') continue;
    const pod = (m['spec'] as { jobTemplate?: { spec?: { template?: { spec?: { serviceAccountName?: unknown } } } } } | undefined)?.jobTemplate?.spec?.template?.spec;
    const sa = str(pod?.serviceAccountName);
    if (sa) {
      accounts.add(sa);
      namespace = m.metadata.namespace ?? '';
    }
  }
  if (accounts.size > 1) {
    throw new Error(`backup CronJobs run as several ServiceAccounts (${[...accounts].sort().join(', ')}); one IRSA role needs one account`);
  }
  const [name] = accounts;
  return name ? { namespace, name } : undefined;
}

/** The ServiceAccount a rendered ClusterSecretStore of this environment authenticates as. */
function storeServiceAccount(env: Environment, manifests: readonly Manifest[]): ServiceAccountRef | undefined {
  if (env.secrets.store.kind !== 'ClusterSecretStore') return undefined;
  // The same code that renders the store for Argo CD, so the trust policy names exactly its account.
  const store = buildGitOps({ envs: [env], rendered: new Map([[env.name, manifests]]) })
    .map((f) => f.manifest)
    .find((m) => m.kind === 'ClusterSecretStore' && m.metadata.name === env.secrets.store.name);
  const ref = (store?.['spec'] as { provider?: { aws?: { auth?: { jwt?: { serviceAccountRef?: { name?: unknown; namespace?: unknown } } } } } } | undefined)?.provider?.aws?.auth?.jwt
    ?.serviceAccountRef;
  const name = str(ref?.name);
  const namespace = str(ref?.namespace);
  return name && namespace ? { namespace, name } : undefined;
}

/** `role/name` of an IAM role ARN, or throws quoting the field. */
export function roleNameOf(arn: string, field: string): string {
  const m = /^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/(?:.*\/)?([A-Za-z0-9+=,.@_-]+)$/.exec(arn);
  if (!m) throw new Error(`${field}: ${JSON.stringify(arn)} is not an IAM role ARN`);
  return m[2]!;
}

/** The account an ARN belongs to. */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * FALLBACK until the data tier's schema (issue 3) lands: backup settings derived from the
 * environment's name. When `env.data` (or wherever the data tier puts bucket, prefix, retention and
 * role ARN) exists, `awsNeedsOf` must read it instead; every value below is then replaced.
 */
export function fallbackBackupSettings(env: Environment): { bucket: string; prefix: string; retentionDays: number; serviceAccountName: string } {
  return {
    bucket: `${env.namespace}-backups`,
    prefix: env.name,
    // STACK.md: 7 days (000, 003) and 30 days (001); production keeps the longer window.
    retentionDays: env.production ? 30 : 7,
    serviceAccountName: 'agent-backup',
  };
}

/** What the AWS side of `env` must provide, given the objects synth renders for it. */
export function awsNeedsOf(env: Environment, manifests: readonly Manifest[]): AwsNeeds {
  const resourcePrefix = env.namespace;
  const region = env.gitops.secretStore.region;
  const fallback = fallbackBackupSettings(env);
  const backupAccount = backupServiceAccount(manifests) ?? { namespace: env.namespace, name: fallback.serviceAccountName };
  return {
    region,
    resourcePrefix,
    production: env.production,
    backup: {
      bucket: fallback.bucket,
      region,
      prefix: fallback.prefix,
      retentionDays: fallback.retentionDays,
      serviceAccount: backupAccount,
      roleName: `${resourcePrefix}-backup`,
    },
    secretNames: externalSecretKeys(manifests),
    secretReader: {
      roleName: roleNameOf(env.gitops.secretStore.roleArn, 'gitops.secretStore.roleArn'),
      roleArn: env.gitops.secretStore.roleArn,
      serviceAccount: storeServiceAccount(env, manifests),
    },
    // FALLBACK until the data tier's per-store `mode` lands: every store runs in the cluster.
    managedStores: [],
  };
}

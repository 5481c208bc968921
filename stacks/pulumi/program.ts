/**
 * The Pulumi program of one environment, as a function: the entry point (`index.ts`) and the tests
 * call it; importing it registers nothing.
 *
 * AWS side, unless the stack's `awsResources` is `external` (external-aws.ts): the backup bucket
 * and the backup jobs' IRSA role; in `gitops` delivery also the Secrets Manager entries and External
 * Secrets Operator's role; managed data stores when the environment has any. Kubernetes side, in `pulumi` delivery only: every object synth renders,
 * except that ExternalSecrets become Secrets filled from secret config and the backup
 * ServiceAccount carries the role this stack created.
 */
import { apiGroupOf } from '../../kube/api-version.ts';
import { createHash } from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as kubernetes from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Environment } from '../../environments/schema/index.ts';
import { renderPlatform, type RenderedPlatform } from '../render.ts';
import type { Manifest } from '../../kube/object.ts';
import type { Dependency } from '../dependency.ts';
import { BackupBucket } from './aws-backup-bucket.ts';
import { clusterTargetOf, type ClusterTarget, type KubeconfigSource } from './cluster-target.ts';
import { accountOf, awsNeedsOf, type AwsNeeds, type ServiceAccountRef } from './aws-needs.ts';
import { backupRolePolicy } from './backup-role.ts';
import { IrsaRole } from './irsa-role.ts';
import { KubernetesObjects } from './kubernetes-objects.ts';
import { checkExternalAws } from './external-aws.ts';
import { checkManagedStores, ManagedStores, type ManagedStoresArgs } from './managed-stores.ts';
import { planSecret, secretData, type SecretPlan, type SecretValues } from './pulumi-secrets.ts';
import { SecretStoreEntries } from './secrets-manager.ts';
import type { StackConfig } from './stack-config.ts';

/** The annotation EKS reads to give a ServiceAccount's pods an IAM role. */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface ProgramInput {
  readonly env: Environment;
  /** Stack name, for messages (`pulumi config set --stack <stack> ...`). */
  readonly stack: string;
  readonly config: StackConfig;
  /** `secrets` from secret config (remote key -> property -> value); needed in `pulumi` delivery. */
  readonly secrets?: pulumi.Output<SecretValues | undefined>;
  readonly redisAuthToken?: pulumi.Output<string>;
  readonly opensearchMasterPassword?: pulumi.Output<string>;
  /** The kubeconfig the entry point read; needed in `pulumi` delivery (checked against the environment's cluster). */
  readonly kubeconfig?: KubeconfigSource;
  /** Replaces what is derived from the environment (tests of managed stores, data-tier fallbacks). */
  readonly needs?: (derived: AwsNeeds) => AwsNeeds;
}

export interface ProgramResult {
  readonly needs: AwsNeeds;
  readonly manifests: readonly Manifest[];
  /** What the chart's constructs reported must run first, between `manifests` (the Kubernetes objects' `dependsOn` reads them). */
  readonly dependencies: readonly Dependency[];
  /** Absent when the stack's `awsResources` is `external`, like every AWS resource below. */
  readonly backupBucket?: BackupBucket;
  /** Absent when nothing in the cluster writes backups (every store managed). */
  readonly backupRole?: IrsaRole;
  readonly secretStore?: SecretStoreEntries;
  readonly managedStores?: ManagedStores;
  readonly kubernetes?: KubernetesObjects;
  /** Stack outputs. */
  readonly outputs: Record<string, pulumi.Output<unknown> | string | number>;
}

function parseServiceAccount(ref: string): ServiceAccountRef {
  const [namespace, name] = ref.split('/') as [string, string];
  return { namespace, name };
}

/** Every ARN the environment data names must be in the stack's account; a mismatch means the wrong stack. */
function checkAccount(env: Environment, config: StackConfig): void {
  const arns: [string, string | undefined][] = [
    ['gitops.secretStore.roleArn', env.gitops.secretStore.roleArn],
    ['data.backup.roleArn', env.data.backup.roleArn],
  ];
  for (const [field, arn] of arns) {
    if (arn === undefined || accountOf(arn) === config.accountId) continue;
    throw new Error(
      `environments/${env.name}.yaml: ${field} is in account ${accountOf(arn)}, but the stack's accountId is ${config.accountId}; ` +
        'one of them points at the wrong AWS account',
    );
  }
}

/**
 * Days the bucket keeps objects: one more than the jobs' retention, so the lifecycle never removes
 * a backup the jobs still keep on the last day (the contract in environments/schema/data.ts).
 */
function bucketExpiryDays(retentionDays: number): number {
  return retentionDays + 1;
}

export async function deployEnvironment(input: ProgramInput): Promise<ProgramResult> {
  const { env, config } = input;
  checkAccount(env, config);
  const platform = await renderPlatform(env);
  const manifests = platform.files.map((f) => f.manifest);
  const derived = awsNeedsOf(env, { backupWriters: platform.chart.data.backupWriters, remoteSecretKeys: platform.chart.remoteSecretKeys });
  const needs = input.needs ? input.needs(derived) : derived;
  const tags = { 'agent-platform.io/environment': env.name, 'agent-platform.io/managed-by': 'pulumi' };
  const managedArgs: ManagedStoresArgs = {
    stores: needs.managedStores,
    prefix: needs.resourcePrefix,
    production: needs.production,
    accountId: config.accountId,
    region: needs.region,
    vpcId: config.vpcId,
    subnetIds: config.privateSubnetIds,
    clusterSecurityGroupId: config.clusterSecurityGroupId,
    redisAuthToken: input.redisAuthToken,
    opensearchMasterPassword: input.opensearchMasterPassword,
    tags,
  };
  // The more basic mistake first: with external AWS resources no store is this stack's to check.
  const externalAws = config.awsResources === 'external';
  if (externalAws) checkExternalAws(env, needs, input.stack);
  else checkManagedStores('data', managedArgs);
  if (env.delivery === 'pulumi' && !input.secrets) {
    throw new Error(`stack ${input.stack}: delivery is pulumi, so the secret config "secrets" is needed (see docs/pulumi.md)`);
  }
  // Before anything is registered: the objects must go to the environment's cluster and nowhere else.
  let cluster: ClusterTarget | undefined;
  if (env.delivery === 'pulumi') {
    if (!input.kubeconfig) throw new Error(`stack ${input.stack}: delivery is pulumi, so a kubeconfig is needed (see docs/pulumi.md)`);
    cluster = clusterTargetOf(input.kubeconfig, config.kubeContext, env);
  }

  const awsSide = externalAws ? undefined : registerAwsResources(input, needs, managedArgs, tags);
  const kubernetesObjects = cluster ? registerKubernetesObjects(input, platform, needs, awsSide?.backupRole, cluster) : undefined;

  const managedEndpoints = [...(awsSide?.managedStores.endpoints ?? [])];
  const outputs: ProgramResult['outputs'] = {
    delivery: env.delivery,
    // With external AWS resources these are the environment's own names, what the cluster uses.
    backupBucket: awsSide ? awsSide.backupBucket.name : needs.backup.bucket,
    ...(awsSide?.backupRole ? { backupRoleArn: awsSide.backupRole.arn } : {}),
    ...(!awsSide && env.data.backup.roleArn ? { backupRoleArn: env.data.backup.roleArn } : {}),
    ...(awsSide?.secretStore ? { secretReaderRoleArn: awsSide.secretStore.readerRoleArn } : {}),
    ...Object.fromEntries(managedEndpoints.map(([name, e]) => [`${name}Endpoint`, pulumi.interpolate`${e.host}:${e.port}`])),
    // Where the application's master password is: RDS rotates it there; nothing else holds it.
    ...Object.fromEntries(managedEndpoints.flatMap(([name, e]) => (e.masterSecretArn ? [[`${name}MasterSecretArn`, e.masterSecretArn]] : []))),
    ...(kubernetesObjects ? { kubernetesObjects: kubernetesObjects.resources.size } : {}),
  };
  return { needs, manifests, dependencies: platform.dependencies, ...awsSide, kubernetes: kubernetesObjects, outputs };
}

interface AwsResources {
  readonly backupBucket: BackupBucket;
  readonly backupRole?: IrsaRole;
  readonly secretStore?: SecretStoreEntries;
  readonly managedStores: ManagedStores;
}

/** Everything the stack creates on AWS (`awsResources: pulumi`). */
function registerAwsResources(input: ProgramInput, needs: AwsNeeds, managedArgs: ManagedStoresArgs, tags: Record<string, string>): AwsResources {
  const { env, config } = input;
  // Explicit, so no resource can land in a region or account the environment does not name.
  const awsProvider = new aws.Provider('aws', { region: needs.region as aws.Region, allowedAccountIds: [config.accountId] });
  const onAws = { provider: awsProvider };
  const backupProvider =
    needs.backup.region === needs.region
      ? awsProvider
      : new aws.Provider('aws-backup', { region: needs.backup.region as aws.Region, allowedAccountIds: [config.accountId] });

  const backupBucket = new BackupBucket(
    'backups',
    { bucket: needs.backup.bucket, prefix: needs.backup.prefix, expireAfterDays: bucketExpiryDays(needs.backup.retentionDays), production: needs.production, tags },
    { provider: backupProvider },
  );
  // No writer, no role: a role nobody can assume is only something to audit.
  const backupRole =
    needs.backup.serviceAccounts.length === 0
      ? undefined
      : new IrsaRole(
          'backup',
          {
            roleName: needs.backup.roleName,
            description: `Backups of ${env.name} to s3://${needs.backup.bucket}/${needs.backup.prefix}/`,
            oidcProviderArn: config.oidcProviderArn,
            serviceAccounts: needs.backup.serviceAccounts,
            policy: backupRolePolicy(backupBucket.arn, needs.backup.prefix),
            tags,
          },
          onAws,
        );

  const secretStore =
    // Without ExternalSecrets there is nothing for the operator to read, and no role to give it.
    env.delivery === 'gitops' && needs.secretNames.length > 0
      ? new SecretStoreEntries(
          'secret-store',
          {
            secretNames: needs.secretNames,
            roleName: needs.secretReader.roleName,
            oidcProviderArn: config.oidcProviderArn,
            serviceAccount: needs.secretReader.serviceAccount ?? parseServiceAccount(config.externalSecretsServiceAccount),
            production: needs.production,
            tags,
          },
          onAws,
        )
      : undefined;

  const managedStores = new ManagedStores('data', managedArgs, onAws);
  return { backupBucket, ...(backupRole ? { backupRole } : {}), ...(secretStore ? { secretStore } : {}), managedStores };
}

/** Objects whose deletion loses data: the namespace (it takes everything in it), volumes, Postgres clusters. */
function holdsData(m: Pick<Manifest, 'apiVersion' | 'kind'>): boolean {
  return m.kind === 'Namespace' || m.kind === 'PersistentVolumeClaim' || (m.kind === 'Cluster' && apiGroupOf(m.apiVersion) === 'postgresql.cnpg.io');
}

function registerKubernetesObjects(input: ProgramInput, platform: RenderedPlatform, needs: AwsNeeds, backupRole: IrsaRole | undefined, cluster: ClusterTarget): KubernetesObjects {
  const rendered = platform.files.map((f) => f.manifest);
  const { env, config } = input;
  if (!input.secrets) throw new Error(`stack ${input.stack}: delivery is pulumi, so the secret config "secrets" is needed (see docs/pulumi.md)`);
  const secrets = input.secrets;
  const overrides = new Map<Manifest, (m: Manifest) => Record<string, unknown>>();
  const plans = new Map<string, SecretPlan>();
  const manifests = rendered.map((m) => {
    if (m.kind !== 'ExternalSecret') return m;
    const plan = planSecret(m, env.secrets.remoteKeyPrefix);
    plans.set(`${plan.manifest.metadata.namespace}/${plan.manifest.metadata.name}`, plan);
    overrides.set(plan.manifest, (s) => ({ ...s, stringData: pulumi.secret(secrets.apply((values) => secretData(plan, values ?? {}, input.stack))) }));
    return plan.manifest;
  });
  // A Job applies the values it reads once (an init Job sets the database passwords); after a
  // `pulumi config set --secret` its spec is unchanged, so it runs again only as a replacement,
  // triggered by a digest of those values (secret, so not even the digest is in plain state).
  // Which Secrets a Job reads is what the construct that built it reports (ScriptJob.secretNames).
  const replacementTriggers = new Map<Manifest, pulumi.Output<string>>();
  const secretsReadByJob = platform.chart.secretsReadByJob;
  for (const job of manifests.filter((m) => m.apiVersion === 'batch/v1' && m.kind === 'Job')) {
    const names = secretsReadByJob.get(job.metadata.name);
    if (!names) throw new Error(`environment ${env.name}: Job ${job.metadata.name} was not built by a ScriptJob, so nothing reported which Secrets it reads; a changed secret value would not re-run it`);
    const read = names.flatMap((name) => plans.get(`${job.metadata.namespace}/${name}`) ?? []);
    if (read.length === 0) continue;
    const digest = secrets.apply((values) => {
      const data = read.map((plan) => [plan.manifest.metadata.name, Object.entries(secretData(plan, values ?? {}, input.stack)).sort()]);
      return createHash('sha256').update(JSON.stringify(data)).digest('hex');
    });
    replacementTriggers.set(job, pulumi.secret(digest));
  }
  // The role this stack created, not a value copied into environment data, is what the pods assume.
  for (const sa of backupRole ? needs.backup.serviceAccounts : []) {
    const backupAccount = manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.name === sa.name && m.metadata.namespace === sa.namespace);
    if (!backupAccount) continue;
    overrides.set(backupAccount, (m) => ({
      ...m,
      metadata: { ...m.metadata, annotations: { ...((m.metadata['annotations'] ?? {}) as Record<string, string>), [IRSA_ANNOTATION]: backupRole!.arn } },
    }));
  }
  const provider = new kubernetes.Provider('cluster', {
    // Exactly what clusterTargetOf checked; a kubeconfig can hold credentials, so it stays secret.
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    context: cluster.context,
    cluster: cluster.cluster,
    // The provider (and with it every object) is replaced only when the cluster itself changes,
    // not when a credential or the kubeconfig's layout does.
    clusterIdentifier: cluster.server,
    enableServerSideApply: true,
    // Only for the switch-over from Argo CD (docs/pulumi.md, "Switching an environment from Argo CD"): since
    // pulumi-kubernetes 4.29 creating an object that exists fails with AlreadyExists unless set.
    upsertExistingObjects: config.adoptExistingObjects,
  });
  // The reported relations name the objects as rendered; an ExternalSecret above became its Secret.
  const registered = new Map(rendered.map((m, i) => [m, manifests[i]!]));
  const dependencies = platform.dependencies.map((d) => ({ ...d, from: registered.get(d.from)!, to: registered.get(d.to)! }));
  return new KubernetesObjects(env.name, { manifests, dependencies, overrides, replacementTriggers, provider, protect: (m) => env.production && holdsData(m) });
}

/**
 * The AWS side of every environment, as the real program registers it on Pulumi's mock engine:
 * the backup bucket, the IRSA roles and the Secrets Manager entries. Policy documents are parsed,
 * never string-matched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../../environments/load.ts';
import type { Manifest } from '../../../kube/object.ts';
import { s3CallsOf, type BackupTool } from '../../support/backup-s3-calls.ts';
import { evaluate } from '../../support/iam-evaluator.ts';
import { ENVIRONMENTS_DIR, runProgram, type MockedRun, type Registered } from '../../support/pulumi-mocks.ts';

const names = environmentNames(ENVIRONMENTS_DIR);

function one(run: MockedRun, type: string): Registered {
  const found = run.ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

function role(run: MockedRun, roleName: string): Registered {
  const found = run.ofType('aws:iam/role:Role').filter((r) => r.inputs['name'] === roleName);
  if (found.length !== 1) throw new Error(`expected one role ${roleName}, found ${found.length}`);
  return found[0]!;
}

function rolePolicy(run: MockedRun, roleName: string): any {
  const found = run.ofType('aws:iam/rolePolicy:RolePolicy').filter((r) => r.inputs['name'] === roleName);
  if (found.length !== 1) throw new Error(`expected one inline policy on ${roleName}, found ${found.length}`);
  return JSON.parse(found[0]!.inputs['policy'] as string);
}

/** Remote keys named by every ExternalSecret rendered: what the Secrets Manager entries are checked against. */
function externalSecretKeys(manifests: readonly Manifest[]): string[] {
  const keys = new Set<string>();
  for (const m of manifests.filter((o) => o.kind === 'ExternalSecret')) {
    const spec = (m['spec'] ?? {}) as { data?: { remoteRef?: { key?: string } }[]; dataFrom?: { extract?: { key?: string } }[] };
    for (const k of [...(spec.data ?? []).map((d) => d.remoteRef?.key), ...(spec.dataFrom ?? []).map((d) => d.extract?.key)]) if (k) keys.add(k);
  }
  return [...keys].sort();
}

/** The issuer of the OIDC provider `stackConfigFor` configures. */
const ISSUER = 'oidc.eks.eu-central-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const accountOf = (run: MockedRun) => run.env.gitops.secretStore.roleArn.split(':')[4]!;

/**
 * Each s3:// target the rendered objects hand to a backup tool, with the tool that talks to S3:
 * barman-cloud for CloudNativePG, Elasticsearch's S3 repository for the snapshot scripts (they only
 * ask Elasticsearch), the aws-cli of object-store.sh for the other backup jobs.
 */
function backupTargets(manifests: readonly Manifest[]): { tool: BackupTool; url: string; name: string }[] {
  const found: { tool: BackupTool; url: string; name: string }[] = [];
  const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);
  for (const m of manifests) {
    if (m.apiVersion.includes('cnpg.io')) {
      for (const url of strings(m['spec']).filter((s) => s.startsWith('s3://'))) found.push({ tool: 'barman-cloud', url, name: m.metadata.name });
      continue;
    }
    const containers = JSON.stringify(m).includes('BACKUP_TARGET') ? (JSON.parse(JSON.stringify(m)) as any) : undefined;
    if (!containers) continue;
    const pod = m.kind === 'CronJob' ? containers.spec.jobTemplate.spec.template.spec : containers.spec?.template?.spec;
    for (const c of pod?.containers ?? []) {
      const url = (c.env ?? []).find((e: any) => e.name === 'BACKUP_TARGET')?.value as string | undefined;
      if (!url?.startsWith('s3://')) continue;
      found.push({ tool: JSON.stringify(c.command).includes('elasticsearch') ? 'elasticsearch-repository-s3' : 'aws-cli', url, name: m.metadata.name });
    }
  }
  return found;
}

describe.each(names)('the AWS side of %s (gitops delivery)', (name) => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await runProgram(name, { delivery: 'gitops' });
  });

  it('creates one backup bucket, the one the environment’s data tier names', () => {
    const bucket = one(run, 'aws:s3/bucket:Bucket');
    expect(bucket.inputs['bucket']).toBe(run.env.data.backup.bucket);
    expect(bucket.inputs['tags']).toMatchObject({ 'agent-platform.io/environment': name });
  });

  it('lets production refuse to empty the bucket on destroy', () => {
    expect(one(run, 'aws:s3/bucket:Bucket').inputs['forceDestroy']).toBe(!run.env.production);
  });

  it('encrypts the bucket with KMS and the bucket key', () => {
    const sse = one(run, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration');
    expect(sse.inputs['rules']).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }]);
  });

  it('versions the bucket', () => {
    expect(one(run, 'aws:s3/bucketVersioning:BucketVersioning').inputs['versioningConfiguration']).toEqual({ status: 'Enabled' });
  });

  it('blocks every kind of public access and disables ACLs', () => {
    expect(one(run, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one(run, 'aws:s3/bucketOwnershipControls:BucketOwnershipControls').inputs['rule']).toEqual({ objectOwnership: 'BucketOwnerEnforced' });
  });

  it('expires backups and their old versions one day after the jobs’ retention, under the backup prefix only', () => {
    const { prefix, retentionDays } = run.env.data.backup;
    const rules = one(run, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs['rules'] as any[];
    expect(rules.every((r) => r.filter.prefix === `${prefix}/`)).toBe(true);
    expect(rules.find((r) => r.id === 'expire-backups')).toMatchObject({
      status: 'Enabled',
      expiration: { days: retentionDays + 1 },
      noncurrentVersionExpiration: { noncurrentDays: retentionDays + 1 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
  });

  it('denies every request to the bucket that does not use TLS', () => {
    const policy = JSON.parse(one(run, 'aws:s3/bucketPolicy:BucketPolicy').inputs['policy'] as string);
    const arn = `arn:aws:s3:::${run.result.needs.backup.bucket}`;
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
    ]);
  });

  it('lets only the backup writers’ ServiceAccounts assume the backup role, through the cluster’s OIDC provider', () => {
    const { serviceAccounts, roleName } = run.result.needs.backup;
    const subjects = serviceAccounts.map((a) => `system:serviceaccount:${a.namespace}:${a.name}`);
    expect(subjects.length).toBeGreaterThan(0);
    expect(serviceAccounts.every((a) => a.namespace === run.env.namespace)).toBe(true);
    const trust = JSON.parse(role(run, roleName).inputs['assumeRolePolicy'] as string);
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement.Effect).toBe('Allow');
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Principal).toEqual({ Federated: `arn:aws:iam::${accountOf(run)}:oidc-provider/${ISSUER}` });
    expect(statement.Condition).toEqual({
      StringEquals: {
        [`${ISSUER}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
        [`${ISSUER}:aud`]: 'sts.amazonaws.com',
      },
    });
  });

  it('lets the account of every backup CronJob it applies assume the backup role (the data tier reports them; nothing scans for them)', () => {
    const trust = JSON.parse(role(run, run.result.needs.backup.roleName).inputs['assumeRolePolicy'] as string);
    const subjects = [trust.Statement[0].Condition.StringEquals[`${ISSUER}:sub`]].flat();
    const cronJobs = run.result.manifests.filter((m) => m.kind === 'CronJob');
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const j of cronJobs) {
      const account = (j['spec'] as any).jobTemplate.spec.template.spec.serviceAccountName;
      expect(subjects, `CronJob ${j.metadata.name}`).toContain(`system:serviceaccount:${j.metadata.namespace}:${account}`);
    }
  });

  it('lets every backup tool make each S3 request it makes against its target, evaluated as IAM would', () => {
    const policy = rolePolicy(run, run.result.needs.backup.roleName);
    const targets = backupTargets(run.result.manifests);
    expect(targets.length).toBeGreaterThan(0);
    if (run.env.data.postgres.mode === 'cloudnative-pg') expect(targets.map((t) => t.tool)).toContain('barman-cloud');
    for (const t of targets) {
      for (const call of s3CallsOf(t.tool, t.url, t.name)) {
        expect(evaluate(policy, call), `${call.tool} ${call.operation} ${call.resource} ${JSON.stringify(call.context ?? {})}`).toBe('allow');
      }
    }
  });

  it('keeps the backup role’s object requests inside the environment’s prefix, and never deletes a version', () => {
    const { bucket, prefix, roleName } = run.result.needs.backup;
    const policy = rolePolicy(run, roleName);
    const elsewhere = (resource: string) => resource.replace(`arn:aws:s3:::${bucket}/${prefix}/`, `arn:aws:s3:::${bucket}/other-environment/`);
    for (const t of backupTargets(run.result.manifests)) {
      for (const call of s3CallsOf(t.tool, t.url, t.name).filter((c) => c.resource.includes('/'))) {
        expect(evaluate(policy, { ...call, resource: elsewhere(call.resource) }), `${call.operation} outside ${prefix}/`).toBe('implicit-deny');
        expect(evaluate(policy, { ...call, resource: call.resource.replace(`:::${bucket}/`, ':::another-bucket/') }), `${call.operation} in another bucket`).toBe('implicit-deny');
      }
    }
    const key = `arn:aws:s3:::${bucket}/${prefix}/postgres/x`;
    for (const action of ['s3:DeleteObjectVersion', 's3:PutObjectAcl', 's3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 's3:DeleteBucket']) {
      expect(evaluate(policy, { action, resource: action.includes('Bucket') || action.includes('Lifecycle') ? `arn:aws:s3:::${bucket}` : key }), action).toBe('implicit-deny');
    }
    const actions = policy.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.some((a: string) => a.includes('*'))).toBe(false);
  });

  it('replaces every AWS resource by deleting the old one first, since each has a fixed name or is one per bucket', () => {
    const aws = run.registered.filter((r) => r.type.startsWith('aws:'));
    expect(aws.length).toBeGreaterThan(5);
    for (const r of aws) expect(r.options.deleteBeforeReplace, `${r.type} ${r.name}`).toBe(true);
  });

  it('creates a Secrets Manager entry, without a value, for every remote key the ExternalSecrets name', () => {
    const secrets = run.ofType('aws:secretsmanager/secret:Secret');
    expect(secrets.map((s) => s.inputs['name']).sort()).toEqual(externalSecretKeys(run.result.manifests));
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.every((s) => (s.inputs['name'] as string).startsWith(`${run.env.secrets.remoteKeyPrefix}/`))).toBe(true);
    expect(run.ofType('aws:secretsmanager/secretVersion:SecretVersion')).toEqual([]);
  });

  it('creates the backup role with exactly the ARN the environment data gives the backup ServiceAccount', async () => {
    const { roleArn } = run.env.data.backup;
    if (roleArn === undefined) expect(run.result.needs.backup.roleName).toBe(`${run.env.namespace}-backup`);
    else await expect(new Promise((resolve) => run.result.backupRole!.arn.apply(resolve))).resolves.toBe(roleArn);
  });

  it('creates External Secrets Operator’s role with exactly the ARN the environment data names', async () => {
    const reader = role(run, run.result.needs.secretReader.roleName);
    expect(reader.inputs['name']).toBe(run.env.gitops.secretStore.roleArn.split('/').pop());
    await expect(new Promise((resolve) => run.result.secretStore!.readerRoleArn.apply(resolve))).resolves.toBe(run.env.gitops.secretStore.roleArn);
  });

  it('trusts only the ServiceAccount of the environment’s ClusterSecretStore for reading secrets', () => {
    const trust = JSON.parse(role(run, run.result.needs.secretReader.roleName).inputs['assumeRolePolicy'] as string);
    const store = run.result.needs.secretReader.serviceAccount!;
    expect(store).toEqual({ namespace: 'external-secrets', name: `${run.env.secrets.store.name}-store` });
    expect(trust.Statement[0].Condition.StringEquals[`${ISSUER}:sub`]).toBe(`system:serviceaccount:${store.namespace}:${store.name}`);
  });

  it('lets External Secrets Operator read exactly the environment’s secrets and nothing else', () => {
    const policy = rolePolicy(run, run.result.needs.secretReader.roleName);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    const secretArns = run.ofType('aws:secretsmanager/secret:Secret').map((s) => `arn:aws:secretsmanager:eu-central-1:${accountOf(run)}:secret:${s.inputs['name']}-AbCdEf`);
    expect(policy.Statement[0].Resource).toEqual(secretArns);
  });

  it('pins every AWS resource to the environment’s region and the stack’s account', () => {
    const providers = run.ofType('pulumi:providers:aws');
    expect(providers).toHaveLength(1);
    expect(providers[0]!.inputs['region']).toBe(run.env.gitops.secretStore.region);
    expect(JSON.parse(providers[0]!.inputs['allowedAccountIds'] as string)).toEqual([accountOf(run)]);
    const awsResources = run.registered.filter((r) => r.type.startsWith('aws:'));
    expect(awsResources.every((r) => r.provider.includes('pulumi:providers:aws::aws::'))).toBe(true);
  });

  it('registers no Kubernetes object, since Argo CD delivers them', () => {
    expect(run.registered.filter((r) => r.type.startsWith('kubernetes:') || r.type === 'pulumi:providers:kubernetes')).toEqual([]);
  });
});

describe('a stack pointed at the wrong account', () => {
  it('is refused before anything is registered', async () => {
    await expect(runProgram('prod', { config: { accountId: '111111111111' } })).rejects.toThrow(
      'environments/prod.yaml: gitops.secretStore.roleArn is in account 222222222222, but the stack\'s accountId is 111111111111',
    );
  });
});

describe('the IAM evaluator the backup-role test relies on', () => {
  const prefixOnly = {
    Statement: [
      { Effect: 'Allow' as const, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['p/*', 'p/'] } } },
      { Effect: 'Allow' as const, Action: 's3:Get*', Resource: 'arn:aws:s3:::b/p/*' },
      { Effect: 'Deny' as const, Action: 's3:*', Resource: 'arn:aws:s3:::b/p/locked/*' },
    ],
  };

  it('refuses a request whose condition key is absent, as IAM does for HeadBucket under an s3:prefix condition', () => {
    expect(evaluate(prefixOnly, { action: 's3:ListBucket', resource: 'arn:aws:s3:::b' })).toBe('implicit-deny');
    expect(evaluate(prefixOnly, { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'p/x/' } })).toBe('allow');
    expect(evaluate(prefixOnly, { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'q/' } })).toBe('implicit-deny');
  });

  it('matches action wildcards case-insensitively, resource wildcards exactly, and lets an explicit deny win', () => {
    expect(evaluate(prefixOnly, { action: 's3:getobject', resource: 'arn:aws:s3:::b/p/k' })).toBe('allow');
    expect(evaluate(prefixOnly, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/P/k' })).toBe('implicit-deny');
    expect(evaluate(prefixOnly, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/p/locked/k' })).toBe('explicit-deny');
  });

  it('refuses to judge what it does not implement', () => {
    expect(() => evaluate({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': 'x' } } }] }, { action: 's3:GetObject', resource: 'x', context: { 'aws:SourceArn': 'x' } })).toThrow(
      'condition operator ArnLike is not supported',
    );
  });
});

/**
 * Data stores in `managed` mode: what the program registers for RDS, ElastiCache and OpenSearch,
 * from an environment whose data tier says `mode: managed`.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../../environments/schema/index.ts';
import { managedStoresOf } from '../../../stacks/pulumi/aws-needs.ts';
import { POSTGRES_ALLOWED_EXTENSIONS } from '../../../components/postgres/managed.ts';
import { NON_PRODUCTION, PRODUCTION } from '../../support/environments.ts';
import { isSecretInput, reveal, runProgram, type FailedRun, type MockedRun, type Registered } from '../../support/pulumi-mocks.ts';

const NETWORK = { vpcId: 'vpc-0abc', privateSubnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'], clusterSecurityGroupId: 'sg-0c1' };
const REDIS_TOKEN = 'redis-token-5e1f0d';
const OPENSEARCH_PASSWORD = 'os-password-8b2c4a';

/** The environment's data tier with every store managed, as an environment file would say it. */
function allManaged(env: Environment): Environment {
  return {
    ...env,
    data: {
      ...env.data,
      postgres: { mode: 'managed', appDatabase: env.data.postgres.appDatabase, langmemDatabase: env.data.postgres.langmemDatabase, endpoint: { host: 'db.example.internal', port: 5432 }, masterUsername: 'platform_admin', storage: { size: '100Gi' } },
      redis: { mode: 'managed', endpoint: { host: 'redis.example.internal', port: 6379 }, tls: true },
      elasticsearch: { mode: 'managed', enabled: true, endpoint: { host: 'search.example.internal', port: 443 } },
    },
  };
}

async function runManaged(name: string): Promise<MockedRun> {
  return runProgram(name, {
    config: NETWORK,
    input: {
      redisAuthToken: pulumi.secret(REDIS_TOKEN),
      opensearchMasterPassword: pulumi.secret(OPENSEARCH_PASSWORD),
      needs: (n) => ({ ...n, managedStores: managedStoresOf(allManaged(runEnvOf(name))) }),
    },
  });
}

// The loaded environment, for building the managed variant inside `needs`.
const loaded = new Map<string, Environment>();
const runEnvOf = (name: string) => loaded.get(name)!;

function one(run: MockedRun, type: string): Registered {
  const found = run.ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

describe.each([NON_PRODUCTION, PRODUCTION])('managed data stores of %s', (name) => {
  let run: MockedRun;
  let production: boolean;
  beforeAll(async () => {
    const probe = await runProgram(name);
    loaded.set(name, probe.env);
    production = probe.env.production;
    run = await runManaged(name);
  });

  it('runs Postgres 16 on RDS, private, encrypted, TLS only, with its password kept by RDS', () => {
    const db = one(run, 'aws:rds/instance:Instance');
    expect(db.inputs).toMatchObject({
      engine: 'postgres',
      engineVersion: '16',
      storageEncrypted: true,
      publiclyAccessible: false,
      manageMasterUserPassword: true,
      allocatedStorage: 100,
      dbName: run.env.data.postgres.appDatabase.name,
    });
    expect(db.inputs['password']).toBeUndefined();
    const params = one(run, 'aws:rds/parameterGroup:ParameterGroup');
    expect(params.inputs['family']).toBe('postgres16');
    const byName = Object.fromEntries((params.inputs['parameters'] as any[]).map((p) => [p.name, p.value]));
    expect(byName['rds.allowed_extensions']!.split(',')).toContain('vector');
    expect(byName['rds.allowed_extensions']).toBe(POSTGRES_ALLOWED_EXTENSIONS.join(','));
    expect(byName['rds.force_ssl']).toBe('1');
  });

  it('keeps Postgres backups, and in production protects it from deletion and zone loss', () => {
    const db = one(run, 'aws:rds/instance:Instance').inputs;
    expect(db['backupRetentionPeriod']).toBe(production ? 30 : 7);
    expect(db['deletionProtection']).toBe(production);
    expect(db['multiAz']).toBe(production);
    expect(db['skipFinalSnapshot']).toBe(!production);
  });

  it('runs Redis on ElastiCache encrypted at rest and in transit, with the token from secret config', () => {
    const redis = one(run, 'aws:elasticache/replicationGroup:ReplicationGroup').inputs;
    expect(redis).toMatchObject({ engine: 'redis', atRestEncryptionEnabled: true, transitEncryptionEnabled: true, automaticFailoverEnabled: production });
    expect(redis['snapshotRetentionLimit']).toBeGreaterThan(0);
    expect(isSecretInput(redis['authToken'])).toBe(true);
    expect(reveal(redis['authToken'])).toBe(REDIS_TOKEN);
  });

  it('runs OpenSearch inside the VPC, encrypted, HTTPS only, with fine-grained access control', () => {
    const domain = one(run, 'aws:opensearch/domain:Domain').inputs;
    expect(domain['encryptAtRest']).toEqual({ enabled: true });
    expect(domain['nodeToNodeEncryption']).toEqual({ enabled: true });
    expect(domain['domainEndpointOptions']).toMatchObject({ enforceHttps: true });
    expect(domain['vpcOptions']['securityGroupIds']).toHaveLength(1);
    expect(isSecretInput(domain['advancedSecurityOptions']), 'the master password keeps the block secret').toBe(true);
    expect(reveal(domain['advancedSecurityOptions'])).toMatchObject({ enabled: true, internalUserDatabaseEnabled: true });
    expect(domain['clusterConfig']['instanceCount']).toBe(production ? 3 : 1);
    expect((domain['domainName'] as string).length).toBeLessThanOrEqual(28);
    const access = JSON.parse(domain['accessPolicies'] as string);
    expect(access.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${run.env.gitops.secretStore.roleArn.split(':')[4]}:root` });
  });

  it('replaces every AWS resource by deleting the old one first, since each has a fixed name', () => {
    const aws = run.registered.filter((r) => r.type.startsWith('aws:'));
    expect(aws.length).toBeGreaterThan(10);
    for (const r of aws) expect(r.options.deleteBeforeReplace, `${r.type} ${r.name}`).toBe(true);
  });

  it('keeps the data stores and the bucket through a destroy in production, and only there', () => {
    const stateful = ['aws:rds/instance:Instance', 'aws:elasticache/replicationGroup:ReplicationGroup', 'aws:opensearch/domain:Domain', 'aws:s3/bucket:Bucket'];
    for (const type of stateful) expect(one(run, type).options, type).toMatchObject({ protect: production, retainOnDelete: production });
  });

  it('spreads OpenSearch over as many subnets as zones it is told to use', () => {
    const domain = one(run, 'aws:opensearch/domain:Domain').inputs;
    const subnets = domain['vpcOptions']['subnetIds'] as string[];
    expect(subnets).toHaveLength(production ? 3 : 1);
    if (production) expect(domain['clusterConfig']['zoneAwarenessConfig']).toEqual({ availabilityZoneCount: subnets.length });
    expect(new Set(subnets).size).toBe(subnets.length);
  });

  it('exports the ARN of the secret RDS keeps the Postgres master password in', async () => {
    const arn = run.result.outputs['postgresMasterSecretArn'] as pulumi.Output<string>;
    await expect(new Promise((resolve) => arn.apply(resolve))).resolves.toMatch(/^arn:aws:secretsmanager:eu-central-1:[0-9]{12}:secret:rds!db-/);
  });

  it('accepts connections to the stores only from the cluster’s security group', () => {
    const rules = run.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    expect(rules.map((r) => r.inputs['fromPort']).sort()).toEqual([443, 5432, 6379]);
    expect(rules.every((r) => r.inputs['referencedSecurityGroupId'] === NETWORK.clusterSecurityGroupId && r.inputs['cidrIpv4'] === undefined)).toBe(true);
  });

  it('exports each store’s endpoint for the environment’s connection settings', async () => {
    const endpoint = run.result.outputs['postgresEndpoint'] as pulumi.Output<string>;
    await expect(new Promise((resolve) => endpoint.apply(resolve))).resolves.toBe(`agent-platform-${name}-postgres.c0ffee.eu-central-1.rds.amazonaws.com:5432`);
  });

  it('puts the Redis token and OpenSearch password into their own resources only', () => {
    for (const r of run.registered) {
      const text = JSON.stringify(r.inputs);
      if (r.type !== 'aws:elasticache/replicationGroup:ReplicationGroup') expect(text.includes(REDIS_TOKEN), r.name).toBe(false);
      if (r.type !== 'aws:opensearch/domain:Domain') expect(text.includes(OPENSEARCH_PASSWORD), r.name).toBe(false);
    }
  });
});

describe('an environment whose stores all run in the cluster', () => {
  it('gets no managed store', async () => {
    const run = await runProgram('dev');
    expect(run.env.data.postgres.mode).not.toBe('managed');
    expect(run.registered.filter((r) => /aws:(rds|elasticache|opensearch)\//.test(r.type))).toEqual([]);
  });
});

describe('an environment where every store is managed', () => {
  it('creates no backup role, since nothing in the cluster would assume it', async () => {
    const probe = await runProgram('dev');
    const run = await runProgram('dev', {
      config: NETWORK,
      input: {
        redisAuthToken: pulumi.secret(REDIS_TOKEN),
        opensearchMasterPassword: pulumi.secret(OPENSEARCH_PASSWORD),
        needs: (n) => ({ ...n, backup: { ...n.backup, serviceAccounts: [] }, managedStores: managedStoresOf(allManaged(probe.env)) }),
      },
    });
    expect(run.ofType('aws:iam/role:Role').map((r) => r.inputs['name'])).toEqual([run.env.gitops.secretStore.roleArn.split('/').pop()]);
    expect(run.result.outputs['backupRoleArn']).toBeUndefined();
    expect(run.ofType('aws:s3/bucket:Bucket')).toHaveLength(1);
  });
});

describe('managed stores without a network', () => {
  it('are refused, naming the config key to set', async () => {
    const probe = await runProgram('dev');
    await expect(
      runProgram('dev', { input: { redisAuthToken: pulumi.secret(REDIS_TOKEN), needs: (n) => ({ ...n, managedStores: managedStoresOf(allManaged(probe.env)).filter((s) => s.engine === 'redis') }) } }),
    ).rejects.toThrow('ManagedStores data: vpcId is not set (pulumi config set vpcId vpc-...); managed stores need a network');
  });
});

describe.each([
  [PRODUCTION, 2, 'ManagedStores data: store search: privateSubnetIds has 2 subnet(s); a production OpenSearch domain spans 3 zones, one subnet each'],
  [PRODUCTION, 3, undefined],
  [NON_PRODUCTION, 2, undefined],
] as const)('a managed OpenSearch of %s with %i subnets', (name, count, refusal) => {
  it(refusal ? 'is refused before anything is registered, naming the key to extend' : 'is accepted, one subnet per zone', async () => {
    const probe = await runProgram(name);
    const attempt = runProgram(name, {
      config: { ...NETWORK, privateSubnetIds: NETWORK.privateSubnetIds.slice(0, count) },
      input: {
        opensearchMasterPassword: pulumi.secret(OPENSEARCH_PASSWORD),
        needs: (n) => ({ ...n, managedStores: managedStoresOf(allManaged(probe.env)).filter((s) => s.engine === 'opensearch') }),
      },
    });
    if (refusal) {
      const error = (await attempt.catch((e: unknown) => e)) as FailedRun;
      expect(error.message).toContain(refusal);
      expect(error.registered).toEqual([]);
    } else {
      const domain = one(await attempt, 'aws:opensearch/domain:Domain').inputs;
      const zones = domain['clusterConfig']['zoneAwarenessEnabled'] ? domain['clusterConfig']['zoneAwarenessConfig']['availabilityZoneCount'] : 1;
      expect(domain['vpcOptions']['subnetIds']).toHaveLength(zones);
    }
  });
});

describe('a managed Redis without TLS', () => {
  it('is refused, since ElastiCache is only run encrypted in transit', async () => {
    const probe = await runProgram('dev');
    const env = allManaged(probe.env);
    expect(() => managedStoresOf({ ...env, data: { ...env.data, redis: { mode: 'managed', endpoint: { host: 'r.example.internal', port: 6379 }, tls: false } } })).toThrow(
      'environments/dev.yaml: data.redis.tls: expected true for a managed Redis',
    );
  });
});

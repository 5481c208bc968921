/**
 * `awsResources: external`: the program registers no AWS provider and no AWS resource, only the
 * Kubernetes objects (the same ones as with `pulumi`), and the backup ServiceAccounts keep the role
 * the environment names. Where the configuration cannot hold, the program stops naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../../environments/load.ts';
import { IRSA_ANNOTATION } from '../../../stacks/pulumi/program.ts';
import { planSecret, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { parseStackConfig } from '../../../stacks/pulumi/stack-config.ts';
import { runProgram, type MockedRun } from '../../support/pulumi-mocks.ts';

const names = environmentNames(new URL('../../../environments/', import.meta.url).pathname);

/** Anything that is AWS: its resources, its provider, and this repository's AWS components. */
const isAws = (type: string) => type.startsWith('aws:') || type === 'pulumi:providers:aws' || type.startsWith('agent-platform:aws:');

async function secretsOf(name: string): Promise<SecretValues> {
  const probe = await runProgram(name, { delivery: 'gitops' });
  const values: Record<string, Record<string, string>> = {};
  for (const m of probe.result.manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, probe.env.secrets.remoteKeyPrefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: 'v' };
  }
  return values;
}

describe.each(names)('awsResources external, %s in pulumi delivery', (name) => {
  let external: MockedRun;
  let owned: MockedRun;
  beforeAll(async () => {
    const secrets = await secretsOf(name);
    owned = await runProgram(name, { delivery: 'pulumi', secrets });
    external = await runProgram(name, { delivery: 'pulumi', secrets, config: { awsResources: 'external' } });
  });

  it('registers no AWS provider or resource (the same stack with awsResources pulumi does)', () => {
    expect(owned.registered.filter((r) => isAws(r.type)).length).toBeGreaterThan(0);
    expect(external.registered.filter((r) => isAws(r.type)).map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });

  it('registers the same Kubernetes objects as a stack that owns its AWS resources', () => {
    const kube = (run: MockedRun) => run.registered.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.name).sort();
    expect(kube(external).length).toBeGreaterThan(10);
    expect(kube(external)).toEqual(kube(owned));
  });

  it('leaves the backup ServiceAccounts the role environment data names, and outputs it', () => {
    const roleArn = external.env.data.backup.roleArn;
    expect(roleArn).toBeDefined();
    const accounts = external.result.needs.backup.serviceAccounts;
    expect(accounts.length).toBeGreaterThan(0);
    for (const sa of accounts) {
      const account = external.registered.find((r) => r.name === `ServiceAccount/${sa.namespace}/${sa.name}`);
      // CloudNativePG creates a Cluster's own ServiceAccount from the Cluster's template.
      const cluster = external.registered.find((r) => r.name === `Cluster/${sa.namespace}/${sa.name}`);
      const annotations = account ? account.inputs['metadata']['annotations'] : cluster?.inputs['spec']['serviceAccountTemplate']['metadata']['annotations'];
      expect(annotations?.[IRSA_ANNOTATION], `${sa.namespace}/${sa.name}`).toBe(roleArn);
    }
    expect(external.result.outputs['backupRoleArn']).toBe(roleArn);
    expect(external.result.outputs['backupBucket']).toBe(external.env.data.backup.bucket);
  });
});

describe('awsResources external where it cannot hold', () => {
  it('refuses gitops delivery, where the stack would register nothing', async () => {
    await expect(runProgram('dev', { delivery: 'gitops', config: { awsResources: 'external' } })).rejects.toThrow(
      /stack dev: awsResources is external \(Pulumi\.dev\.yaml\).*environments\/dev\.yaml delivery "gitops" it would register nothing/,
    );
  });

  it('refuses a managed store, naming its field', async () => {
    await expect(
      runProgram('dev', {
        delivery: 'pulumi',
        secrets: await secretsOf('dev'),
        config: { awsResources: 'external' },
        input: { needs: (n) => ({ ...n, managedStores: [{ engine: 'redis', name: 'redis', identifier: 'agent-platform-dev-redis', nodeType: 'cache.t4g.small' }] }) },
      }),
    ).rejects.toThrow(/environments\/dev\.yaml data\.redis\.mode is "managed", a store only this stack creates/);
  });

  it('refuses backup writers without data.backup.roleArn, naming them', async () => {
    const probe = await runProgram('dev', { delivery: 'gitops' });
    const env = { ...probe.env, delivery: 'pulumi' as const, data: { ...probe.env.data, backup: { ...probe.env.data.backup, roleArn: undefined } } };
    await expect(runProgram('dev', { delivery: 'pulumi', secrets: await secretsOf('dev'), config: { awsResources: 'external' }, input: { env } })).rejects.toThrow(
      /environments\/dev\.yaml data\.backup\.roleArn is not set, so the backup ServiceAccounts \(.+\/.+\) would assume no role/,
    );
  });

  it('rejects an unknown value, naming the key, the values and the fix', () => {
    expect(() => parseStackConfig({ accountId: '111111111111', oidcProviderArn: 'arn:aws:iam::111111111111:oidc-provider/x', awsResources: 'terraform' }, 'dev')).toThrow(
      'awsResources: expected one of "pulumi", "external", got "terraform" (pulumi config set --stack dev awsResources <value>)',
    );
  });
});

/**
 * The Pulumi project as committed: Pulumi.yaml, one stack file per environment, and the entry point
 * run with exactly that config (plus Pulumi.yaml's defaults, as the CLI applies them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment, parseEnvironment } from '../../../environments/load.ts';
import { checkSecretConfig, plaintextSecretConfig } from '../../../stacks/pulumi/secret-config.ts';
import { SECRET_CONFIG_KEYS, parseStackConfig, stackConfigSchema } from '../../../stacks/pulumi/stack-config.ts';
import { ENVIRONMENTS_DIR } from '../../support/pulumi-mocks.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const project = yaml.load(readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8')) as {
  name: string;
  main: string;
  runtime: { name: string; options: Record<string, unknown> };
  config: Record<string, { type: string; description: string; default?: unknown }>;
};
const PROJECT = project.name;
/** Stack config the engine reads: default providers of these packages (`*`: all) may not be used. */
const DISABLE_DEFAULT_PROVIDERS = 'pulumi:disable-default-providers';
const stackFiles = readdirSync(ROOT).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f));
const stackConfigOf = (stack: string) =>
  (yaml.load(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> }).config;

describe('Pulumi.yaml', () => {
  it('runs the TypeScript entry point with Node itself, not ts-node', () => {
    expect(project.runtime.name).toBe('nodejs');
    expect(project.runtime.options['typescript']).toBe(false);
    expect(existsSync(join(ROOT, project.main))).toBe(true);
    expect(project.main).toBe('stacks/pulumi/index.ts');
  });

  it('declares, with a description, every plain config key the program reads, and nothing else', () => {
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(stackConfigSchema.shape).sort());
    for (const [key, spec] of Object.entries(project.config)) expect(spec.description?.length, key).toBeGreaterThan(20);
  });

  it('gives defaults that the program accepts', () => {
    const defaults = Object.fromEntries(Object.entries(project.config).flatMap(([k, v]) => (v.default === undefined || v.default === '' ? [] : [[k, v.default]])));
    const parsed = parseStackConfig({ accountId: '123456789012', oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/X', ...defaults }, 'test');
    expect(parsed.externalSecretsServiceAccount).toBe(project.config['externalSecretsServiceAccount']!.default);
    expect(parsed.privateSubnetIds).toEqual([]);
  });
});

describe('the stack files', () => {
  it('exist for exactly the environments there are', () => {
    expect(stackFiles.map((f) => f.slice('Pulumi.'.length, -'.yaml'.length)).sort()).toEqual(environmentNames(ENVIRONMENTS_DIR));
  });

  describe.each(environmentNames(ENVIRONMENTS_DIR))('Pulumi.%s.yaml', (stack) => {
    const config = stackConfigOf(stack);
    const env = loadEnvironment(ENVIRONMENTS_DIR, stack);

    it('holds only Pulumi’s keys: the AWS region and the keys Pulumi.yaml declares', () => {
      for (const key of Object.keys(config)) {
        expect(key === 'aws:region' || key === DISABLE_DEFAULT_PROVIDERS || (key.startsWith(`${PROJECT}:`) && key.slice(PROJECT.length + 1) in project.config), key).toBe(true);
      }
    });

    it('disables every default provider, so no resource falls back to an ambient kubeconfig or AWS profile', () => {
      expect(config[DISABLE_DEFAULT_PROVIDERS]).toEqual(['*']);
    });

    it('puts the stack in the environment’s account and region', () => {
      expect(config['aws:region']).toBe(env.gitops.secretStore.region);
      const parsed = parseStackConfig({ accountId: config[`${PROJECT}:accountId`], oidcProviderArn: config[`${PROJECT}:oidcProviderArn`] }, stack);
      expect(env.gitops.secretStore.roleArn.split(':')[4]).toBe(parsed.accountId);
      expect(parsed.oidcProviderArn.split(':')[4]).toBe(parsed.accountId);
    });

    it('holds no secret key in plain text, at any depth', () => {
      expect(plaintextSecretConfig(config, PROJECT)).toEqual([]);
    });
  });
});

/** Runs the entry point as `pulumi up` would, with the committed stack config and Pulumi.yaml's defaults. */
async function runEntryPoint(stack: string, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const values: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config)) {
    if (spec.default !== undefined) values[`${PROJECT}:${key}`] = typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default);
  }
  for (const [key, value] of Object.entries(stackConfigOf(stack))) values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  Object.assign(values, extra);
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, arn: `arn:aws:iam::000000000000:role/${a.inputs['name']}` } }), call: (a) => a.inputs }, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(values, [`${PROJECT}:secrets`]);
  const { default: main } = await import('../../../stacks/pulumi/index.ts');
  const outputs = await main();
  await pulumi.runtime.disconnect();
  return outputs;
}

describe('the entry point', () => {
  it.each(environmentNames(ENVIRONMENTS_DIR))('runs stack %s from its committed config', async (stack) => {
    const outputs = await runEntryPoint(stack);
    const env = loadEnvironment(ENVIRONMENTS_DIR, stack);
    expect(outputs['delivery']).toBe(env.delivery);
    await expect(new Promise((resolve) => (outputs['backupBucket'] as pulumi.Output<string>).apply(resolve))).resolves.toBe(env.data.backup.bucket);
  });

  it('refuses an aws:region other than the environment’s', async () => {
    await expect(runEntryPoint('dev', { 'aws:region': 'us-east-1' })).rejects.toThrow('stack dev: aws:region is us-east-1, but environments/dev.yaml puts the environment in eu-central-1');
  });

  it('refuses a stack config without an account, naming the command that sets it', async () => {
    await expect(runEntryPoint('dev', { [`${PROJECT}:accountId`]: '42' })).rejects.toThrow('accountId: expected a 12-digit AWS account ID, got "42" (pulumi config set --stack dev accountId <value>)');
  });
});

describe('delivery in an environment file', () => {
  const text = readFileSync(join(ENVIRONMENTS_DIR, 'dev.yaml'), 'utf8');

  it('defaults to gitops', () => {
    expect(parseEnvironment(text.replace(/^delivery:.*$/m, ''), 'environments/dev.yaml').delivery).toBe('gitops');
  });

  it('accepts pulumi', () => {
    expect(parseEnvironment(`${text.replace(/^delivery:.*$/m, '')}\ndelivery: pulumi\n`, 'environments/dev.yaml').delivery).toBe('pulumi');
  });

  it('rejects anything else, listing what it accepts', () => {
    expect(() => parseEnvironment(`${text.replace(/^delivery:.*$/m, '')}\ndelivery: argo\n`, 'environments/dev.yaml')).toThrow(
      'environments/dev.yaml: delivery: expected one of "gitops", "pulumi", got "argo"',
    );
  });
});

describe('stack config without a required key', () => {
  it('is refused, saying the key is not set and how to set it', () => {
    expect(() => parseStackConfig({ oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/X' }, 'prod')).toThrow(
      'stack prod: invalid config in Pulumi.prod.yaml:\n  accountId: expected a string, got nothing (the key is not set) (pulumi config set --stack prod accountId <value>)',
    );
  });
});

describe('secret config in a stack file', () => {
  const file = (lines: string[]) => ['config:', '  aws:region: eu-central-1', ...lines, ''].join('\n');

  it('is accepted when every value under a secret key is encrypted', () => {
    const encrypted = file([`  ${PROJECT}:redisAuthToken: { secure: v1:AAAA }`, `  ${PROJECT}:secrets:`, '    service:', '      OPENAI_API_KEY: { secure: v1:BBBB }']);
    expect(() => checkSecretConfig(encrypted, PROJECT, 'prod')).not.toThrow();
  });

  it('is refused at start-up when any is plain, naming each key and the command, never the value', () => {
    const plain = file([`  ${PROJECT}:redisAuthToken: hunter2-token`, `  ${PROJECT}:secrets:`, '    service:', '      OPENAI_API_KEY: sk-plain-4f2a', '      SECRET_KEY: { secure: v1:CCCC }']);
    let message = '';
    try {
      checkSecretConfig(plain, PROJECT, 'prod');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('Pulumi.prod.yaml holds secret config in plain text (secrets.service.OPENAI_API_KEY, redisAuthToken)');
    expect(message).toContain("pulumi config set --stack prod --secret --path 'secrets.service.OPENAI_API_KEY' <value>");
    expect(message).toContain('pulumi config set --stack prod --secret redisAuthToken <value>');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('sk-plain');
  });

  it('covers every key the program reads as a secret', () => {
    expect(SECRET_CONFIG_KEYS).toEqual(['secrets', 'redisAuthToken', 'opensearchMasterPassword']);
  });
});

/**
 * Entry point of the Pulumi program (`main` in Pulumi.yaml): the stack name selects
 * `environments/<stack>.yaml`; the stack config supplies only what is Pulumi's. Everything runs
 * inside the exported function, whose result becomes the stack outputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { loadEnvironment } from '../../environments/load.ts';
import { deployEnvironment } from './program.ts';
import type { SecretValues } from './pulumi-secrets.ts';
import { readKubeconfig } from './kubeconfig-source.ts';
import { checkSecretConfig } from './secret-config.ts';
import { parseStackConfig } from './stack-config.ts';

/** Pulumi.yaml declares optional IDs with an empty default; empty means not set. */
const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

export default async function main(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  // Before any value is read: a secret in plain text in the committed stack file stops the run.
  const stackFile = join(import.meta.dirname, '..', '..', `Pulumi.${stack}.yaml`);
  if (existsSync(stackFile)) checkSecretConfig(readFileSync(stackFile, 'utf8'), pulumi.getProject(), stack);
  const env = loadEnvironment(join(import.meta.dirname, '..', '..', 'environments'), stack);
  const cfg = new pulumi.Config();
  const config = parseStackConfig(
    {
      accountId: cfg.get('accountId'),
      oidcProviderArn: cfg.get('oidcProviderArn'),
      kubeconfig: cfg.get('kubeconfig'),
      kubeContext: cfg.get('kubeContext'),
      awsResources: cfg.get('awsResources'),
      adoptExistingObjects: cfg.getBoolean('adoptExistingObjects'),
      externalSecretsServiceAccount: cfg.get('externalSecretsServiceAccount'),
      vpcId: nonEmpty(cfg.get('vpcId')),
      privateSubnetIds: cfg.getObject<string[]>('privateSubnetIds'),
      clusterSecurityGroupId: nonEmpty(cfg.get('clusterSecurityGroupId')),
    },
    stack,
  );
  // The region is the environment's; a stack-level aws:region that disagrees is a mistake, not an override.
  const awsRegion = new pulumi.Config('aws').get('region');
  if (awsRegion !== undefined && awsRegion !== env.gitops.secretStore.region) {
    throw new Error(`stack ${stack}: aws:region is ${awsRegion}, but environments/${stack}.yaml puts the environment in ${env.gitops.secretStore.region}`);
  }
  const result = await deployEnvironment({
    env,
    stack,
    config,
    secrets: cfg.getSecretObject<SecretValues>('secrets') ?? pulumi.secret(pulumi.output<SecretValues | undefined>(undefined)),
    redisAuthToken: cfg.getSecret('redisAuthToken'),
    opensearchMasterPassword: cfg.getSecret('opensearchMasterPassword'),
    ...(env.delivery === 'pulumi' ? { kubeconfig: readKubeconfig(config.kubeconfig, process.env, stack) } : {}),
  });
  return result.outputs;
}

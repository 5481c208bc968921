/**
 * `pulumi` delivery applies to the environment's cluster and nowhere else: the kubeconfig context
 * is resolved to its API server and compared with `gitops.cluster.server` before anything is
 * registered, the provider gets exactly what was checked, and no resource may use a default
 * provider (which would read the ambient kubeconfig or AWS profile).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../../environments/load.ts';
import type { Manifest } from '../../../kube/object.ts';
import { clusterTargetOf } from '../../../stacks/pulumi/cluster-target.ts';
import { readKubeconfig } from '../../../stacks/pulumi/kubeconfig-source.ts';
import { planSecret, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { ENVIRONMENTS_DIR, isSecretInput, kubeconfigFor, reveal, runProgram, type FailedRun } from '../../support/pulumi-mocks.ts';

function secretValuesFor(manifests: readonly Manifest[], prefix: string): SecretValues {
  const values: Record<string, Record<string, string>> = {};
  for (const m of manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, prefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: 'x' };
  }
  return values;
}

async function pulumiRun(name: string, options: { kubeconfig?: string; kubeContext?: string } = {}) {
  const probe = await runProgram(name, { delivery: 'gitops' });
  return runProgram(name, {
    delivery: 'pulumi',
    secrets: secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.kubeContext ? { config: { kubeContext: options.kubeContext } } : {}),
  });
}

const prod = loadEnvironment(ENVIRONMENTS_DIR, 'prod');

describe('a kubeconfig whose context points at another cluster', () => {
  it('is refused before anything, AWS or Kubernetes, is registered', async () => {
    const error = (await pulumiRun('prod', { kubeconfig: kubeconfigFor(prod, 'https://nonprod.k8s.example.com') }).catch((e: unknown) => e)) as FailedRun;
    expect(error.message).toBe(
      'stack prod: kubeconfig (the test kubeconfig): context "prod" points at https://nonprod.k8s.example.com, but environments/prod.yaml delivers to gitops.cluster.server https://prod.k8s.example.com; ' +
        "refusing to apply to another cluster (point kubeContext at the environment's cluster: pulumi config set --stack prod kubeContext <context>)",
    );
    expect(error.registered).toEqual([]);
  });

  it('is refused whichever context selects it, current or configured', () => {
    const two = `${kubeconfigFor(prod)}`.replace('contexts:\n', 'contexts:\n  - name: other\n    context: { cluster: elsewhere, user: prod }\n').replace('clusters:\n', 'clusters:\n  - name: elsewhere\n    cluster: { server: "https://elsewhere.example.com" }\n');
    expect(clusterTargetOf({ text: two, source: 's' }, '', prod).server).toBe('https://prod.k8s.example.com');
    expect(() => clusterTargetOf({ text: two, source: 's' }, 'other', prod)).toThrow('context "other" points at https://elsewhere.example.com');
    expect(() => clusterTargetOf({ text: two, source: 's' }, 'missing', prod)).toThrow('has no context "missing"; contexts: other, prod');
  });
});

describe('the Kubernetes provider of pulumi delivery', () => {
  it('gets the kubeconfig it was checked against (as a secret), its context, cluster and server as identity', async () => {
    const run = await pulumiRun('prod');
    const [provider] = run.ofType('pulumi:providers:kubernetes');
    expect(isSecretInput(provider!.inputs['kubeconfig'])).toBe(true);
    expect(reveal(provider!.inputs['kubeconfig'])).toBe(kubeconfigFor(run.env));
    expect(provider!.inputs).toMatchObject({ context: 'prod', cluster: 'prod', clusterIdentifier: 'https://prod.k8s.example.com' });
  });
});

describe.each(['gitops', 'pulumi'] as const)('every resource of a %s-delivery run', (delivery) => {
  it('names its provider, so none falls back to a default provider', async () => {
    const run = delivery === 'pulumi' ? await pulumiRun('dev') : await runProgram('dev', { delivery });
    const custom = run.registered.filter((r) => !r.type.startsWith('pulumi:providers:') && !r.type.startsWith('agent-platform:'));
    expect(custom.length).toBeGreaterThan(5);
    for (const r of custom) expect(r.provider, `${r.type} ${r.name}`).toMatch(/::pulumi:providers:(aws|kubernetes)::(aws|aws-backup|cluster)::/);
  });
});

describe('the kubeconfig the entry point reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  const first = join(dir, 'first');
  writeFileSync(first, 'first');

  it('is the stack’s contents, else its path, else the first file of KUBECONFIG', () => {
    expect(readKubeconfig('apiVersion: v1\nkind: Config\n', {}, 'dev')).toEqual({ text: 'apiVersion: v1\nkind: Config\n', source: 'stack config kubeconfig' });
    expect(readKubeconfig(first, {}, 'dev')).toEqual({ text: 'first', source: `stack config kubeconfig ${first}` });
    expect(readKubeconfig('', { KUBECONFIG: `${first}:${join(dir, 'second')}` }, 'dev')).toEqual({ text: 'first', source: `KUBECONFIG ${first}` });
  });

  it('must exist, and the message says how to name one', () => {
    expect(() => readKubeconfig('', { KUBECONFIG: join(dir, 'none') }, 'dev')).toThrow(`stack dev: no kubeconfig at KUBECONFIG ${join(dir, 'none')}; set one with pulumi config set --stack dev kubeconfig <path>`);
  });
});

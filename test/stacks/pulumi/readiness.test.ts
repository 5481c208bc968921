/**
 * What Argo CD did through annotations, done Pulumi's way: custom resources others rely on are
 * waited for (`pulumi.com/waitFor`), Jobs get timeouts past their own deadline and run again when
 * the secret values they apply change, and no Argo CD annotation reaches the cluster from Pulumi.
 * Read from what the mock engine received: inputs and resource options.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../../environments/load.ts';
import { durationSeconds } from '../../../kube/duration.ts';
import type { Manifest } from '../../../kube/object.ts';
import { planSecret, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { readinessOf, WAIT_FOR_ANNOTATION } from '../../../stacks/pulumi/readiness.ts';
import { ENVIRONMENTS_DIR, isSecretInput, reveal, runProgram, type MockedRun, type Registered } from '../../support/pulumi-mocks.ts';

function secretValuesFor(manifests: readonly Manifest[], prefix: string, tag = 'a'): Record<string, Record<string, string>> {
  const values: Record<string, Record<string, string>> = {};
  for (const m of manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, prefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: `value-${e.configKey}-${e.property}-${tag}` };
  }
  return values;
}

async function pulumiRun(name: string, change?: (values: Record<string, Record<string, string>>, manifests: readonly Manifest[], prefix: string) => void) {
  const probe = await runProgram(name, { delivery: 'gitops' });
  const values = secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix);
  change?.(values, probe.result.manifests, probe.env.secrets.remoteKeyPrefix);
  return runProgram(name, { delivery: 'pulumi', secrets: values as SecretValues });
}

const annotationsOf = (r: Registered) => (r.inputs['metadata']?.['annotations'] ?? {}) as Record<string, string>;

describe.each(environmentNames(ENVIRONMENTS_DIR))('what pulumi delivery of %s registers', (name) => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await pulumiRun(name);
  });
  const objects = () => run.registered.filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:'));
  const rendered = (kind: string) => run.result.manifests.filter((m) => m.kind === kind);

  it('carries no Argo CD annotation: no hook, hook-delete-policy or sync-wave', () => {
    expect(rendered('Job').some((j) => Object.keys((j.metadata['annotations'] ?? {}) as object).some((k) => k.startsWith('argocd.argoproj.io/')))).toBe(true);
    for (const r of objects()) expect(Object.keys(annotationsOf(r)).filter((k) => k.startsWith('argocd.argoproj.io/')), r.name).toEqual([]);
  });

  it('waits for every custom resource another object depends on, but status-less configuration', () => {
    const byName = new Map(objects().map((r) => [r.name, r]));
    const targets = new Set([...run.result.kubernetes!.dependsOn.values()].flat());
    const custom = [...targets].map((n) => byName.get(n)!).filter((r) => r.type.startsWith('kubernetes:') && /^kubernetes:[^/]+\.[^/]+\//.test(r.type) && !r.type.includes('.k8s.io/'));
    expect(custom.length).toBeGreaterThan(0);
    for (const r of custom) {
      // Configuration without a status (EnvoyProxy) has nothing to wait for; a Gateway's readiness is Programmed.
      const expected = r.type.endsWith(':EnvoyProxy') ? undefined : r.type.endsWith(':Gateway') ? 'condition=Programmed' : 'condition=Ready';
      expect(annotationsOf(r)[WAIT_FOR_ANNOTATION], `${r.name} is depended on`).toBe(expected);
    }
  });

  it('lets each Job run to its own deadline before Pulumi gives up on it', () => {
    expect(rendered('Job').length).toBeGreaterThan(0);
    for (const job of rendered('Job')) {
      const deadline = (job['spec'] as { activeDeadlineSeconds: number }).activeDeadlineSeconds;
      const registered = objects().find((r) => r.name === `Job/${job.metadata.namespace}/${job.metadata.name}`)!;
      expect(durationSeconds(registered.options.customTimeouts.create), registered.name).toBeGreaterThan(deadline);
      expect(registered.options.customTimeouts.update, registered.name).toBe(registered.options.customTimeouts.create);
    }
  });

  it('waits for every Certificate, ACME ones included (DNS-01 needs no path through the edge)', () => {
    expect(rendered('Certificate').some((c) => (c['spec'] as { issuerRef: { kind?: string } }).issuerRef.kind === 'ClusterIssuer')).toBe(true);
    for (const cert of rendered('Certificate')) {
      const registered = objects().find((r) => r.name === `Certificate/${cert.metadata.namespace}/${cert.metadata.name}`)!;
      expect(annotationsOf(registered)[WAIT_FOR_ANNOTATION], registered.name).toBe('condition=Ready');
    }
  });


  it('re-runs each Job that applies secret values when they change, through a secret digest', () => {
    for (const job of objects().filter((r) => r.type === 'kubernetes:batch/v1:Job')) {
      const trigger = job.options.replacementTrigger;
      expect(isSecretInput(trigger), job.name).toBe(true);
      expect(reveal<string>(trigger)).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('the Postgres cluster in pulumi delivery of prod', () => {
  let run: MockedRun;
  beforeAll(async () => {
    run = await pulumiRun('prod');
  });

  it('is waited for until Ready, long enough for three instances, before the init Job that depends on it', () => {
    const cluster = run.registered.find((r) => r.name === 'Cluster/agent-platform-prod/postgres')!;
    expect(cluster.inputs['metadata']['annotations'][WAIT_FOR_ANNOTATION]).toBe('condition=Ready');
    expect(durationSeconds(cluster.options.customTimeouts.create)).toBeGreaterThan(600);
    expect(run.result.kubernetes!.dependsOn.get('Job/agent-platform-prod/postgres-init')).toContain('Cluster/agent-platform-prod/postgres');
  });

  it('sits beside Issuers that are waited for until they can sign', () => {
    const issuers = run.registered.filter((r) => r.type === 'kubernetes:cert-manager.io/v1:Issuer');
    expect(issuers.length).toBeGreaterThan(0);
    for (const r of issuers) expect(r.inputs['metadata']['annotations'][WAIT_FOR_ANNOTATION], r.name).toBe('condition=Ready');
  });
});

describe('a database password changed with pulumi config set --secret', () => {
  it('replaces the init Job that applies it, and only that one', async () => {
    const trigger = (run: MockedRun, job: string) => reveal<string>(run.registered.find((r) => r.name === `Job/agent-platform-prod/${job}`)!.options.replacementTrigger);
    const before = await pulumiRun('prod');
    const again = await pulumiRun('prod');
    const changed = await pulumiRun('prod', (values, manifests, prefix) => {
      const es = manifests.find((m) => m.kind === 'ExternalSecret' && (m['spec'] as any).target.name === 'postgres-credentials')!;
      const entry = planSecret(es, prefix).entries.find((e) => e.secretKey === 'APP_DB_PASSWORD')!;
      values[entry.configKey]![entry.property] = 'rotated-password';
    });
    expect(trigger(again, 'postgres-init')).toBe(trigger(before, 'postgres-init'));
    expect(trigger(changed, 'postgres-init')).not.toBe(trigger(before, 'postgres-init'));
    expect(trigger(changed, 'elasticsearch-init')).toBe(trigger(before, 'elasticsearch-init'));
  });
});

describe('readiness of a kind pulumi delivery does not register today', () => {
  it('an ExternalSecret is waited for until Ready, should one be applied as it is', () => {
    expect(readinessOf({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x' } }).waitFor).toBe('condition=Ready');
  });
});

/**
 * `delivery: pulumi`: the program registers the objects synth renders, each once, with the same
 * content, in reference order, and turns ExternalSecrets into Secrets whose values come from secret
 * config and appear nowhere else.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../../environments/load.ts';
import type { Manifest } from '../../../kube/object.ts';
import { constructorOf, resourceNameOf } from '../../../stacks/pulumi/kubernetes-objects.ts';
import { IRSA_ANNOTATION } from '../../../stacks/pulumi/program.ts';
import { planSecret, secretData, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { dependencies } from '../../../stacks/dependencies.ts';
import { ENVIRONMENTS_DIR, isSecretInput, reveal, runProgram, valueOf, type MockedRun } from '../../support/pulumi-mocks.ts';

const names = environmentNames(ENVIRONMENTS_DIR);

/** Distinctive values, so finding one anywhere in registered inputs is unambiguous. */
function secretValuesFor(manifests: readonly Manifest[], prefix: string): SecretValues {
  const values: Record<string, Record<string, string>> = {};
  for (const m of manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, prefix).entries) {
      values[e.configKey] = { ...values[e.configKey], [e.property]: `s3cr3t-${e.configKey}-${e.property}-7f3a9c` };
    }
  }
  return values;
}

/** `o` without the annotations `drop` selects (and without `annotations` when none remain). */
function withoutAnnotations(o: Record<string, any>, drop: (key: string) => boolean): Record<string, any> {
  const { annotations = {}, ...metadata } = o['metadata'] as Record<string, any>;
  const kept = Object.fromEntries(Object.entries(annotations as Record<string, unknown>).filter(([k]) => !drop(k)));
  return { ...o, metadata: Object.keys(kept).length > 0 ? { ...metadata, annotations: kept } : metadata };
}

const allValues = (values: SecretValues) => Object.values(values).flatMap((v) => Object.values(v ?? {}));
const isKubernetes = (type: string) => type.startsWith('kubernetes:');

describe.each(names)('Kubernetes objects of %s in pulumi delivery', (name) => {
  let run: MockedRun;
  let values: SecretValues;
  beforeAll(async () => {
    const probe = await runProgram(name, { delivery: 'gitops' });
    values = secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix);
    run = await runProgram(name, { delivery: 'pulumi', secrets: values });
  });

  const objects = () => run.registered.filter((r) => isKubernetes(r.type));

  it('registers every object synth renders exactly once, under <Kind>/<namespace>/<name>', () => {
    const expected = run.result.manifests.map((m) => resourceNameOf(m.kind === 'ExternalSecret' ? planSecret(m, run.env.secrets.remoteKeyPrefix).manifest : m));
    expect(objects().map((r) => r.name).sort()).toEqual([...expected].sort());
    expect(new Set(expected).size).toBe(expected.length);
    expect(objects().find((r) => r.name === `Deployment/${run.env.namespace}/agent-api`)?.type).toBe('kubernetes:apps/v1:Deployment');
  });

  it('registers each object with exactly the content synth renders, less Argo CD’s annotations and plus Pulumi’s await annotation', () => {
    const byName = new Map(objects().map((r) => [r.name, withoutAnnotations(r.inputs, (k) => k === 'pulumi.com/waitFor')]));
    const compared = run.result.manifests.filter((m) => m.kind !== 'ExternalSecret');
    expect(compared.length).toBeGreaterThan(10);
    for (const m of compared) {
      expect({ name: resourceNameOf(m), inputs: byName.get(resourceNameOf(m)) }).toEqual({ name: resourceNameOf(m), inputs: withoutAnnotations(m, (k) => k.startsWith('argocd.argoproj.io/')) });
    }
  });

  it('replaces each ExternalSecret with a Secret of the same name holding the same keys', () => {
    const externalSecrets = run.result.manifests.filter((m) => m.kind === 'ExternalSecret');
    expect(externalSecrets.length).toBeGreaterThan(0);
    expect(objects().some((r) => r.type.includes('external-secrets.io'))).toBe(false);
    for (const es of externalSecrets) {
      const target = (es['spec'] as any).target.name as string;
      const secret = objects().find((r) => r.name === `Secret/${run.env.namespace}/${target}`)!;
      expect(secret.type).toBe('kubernetes:core/v1:Secret');
      const templated = Object.keys((es['spec'] as any).target.template?.data ?? {});
      expect(Object.keys(reveal<object>(secret.inputs['stringData'])).sort()).toEqual([...(es['spec'] as any).data.map((d: any) => d.secretKey), ...templated].sort());
      expect(secret.inputs['metadata']['labels']).toEqual(es.metadata['labels']);
    }
  });

  it('marks the Secrets’ data as Pulumi secrets, so state and previews keep them encrypted', async () => {
    const secrets = [...run.result.kubernetes!.resources].filter(([n]) => n.startsWith('Secret/'));
    expect(secrets.length).toBeGreaterThan(0);
    for (const [, resource] of secrets) {
      await expect(pulumi.isSecret((resource as unknown as { stringData: pulumi.Output<unknown> }).stringData)).resolves.toBe(true);
    }
  });

  it('puts secret values into the Secrets and into no other registered input', () => {
    const secretValues = allValues(values);
    expect(secretValues.length).toBeGreaterThan(0);
    const inSecrets = objects()
      .filter((r) => r.type === 'kubernetes:core/v1:Secret')
      .flatMap((r) => {
        expect(isSecretInput(r.inputs['stringData']), `${r.name} stringData reaches the engine marked secret`).toBe(true);
        return Object.values(reveal<Record<string, string>>(r.inputs['stringData']));
      });
    for (const v of secretValues) expect(inSecrets.some((s) => s.includes(v)), `${v} reaches a Secret`).toBe(true);
    for (const r of run.registered.filter((o) => o.type !== 'kubernetes:core/v1:Secret')) {
      const text = JSON.stringify(r.inputs);
      for (const v of secretValues) expect(text.includes(v), `${r.type} ${r.name} holds a secret value`).toBe(false);
    }
  });

  it('creates every object after the objects it references, starting with its namespace', () => {
    const order = new Map(run.registered.map((r, i) => [r.name, i]));
    const dependsOn = run.result.kubernetes!.dependsOn;
    const namespace = `Namespace/${run.env.namespace}`;
    for (const r of objects().filter((o) => o.name !== namespace)) {
      expect(dependsOn.get(r.name), r.name).toContain(namespace);
      expect(order.get(namespace)!, r.name).toBeLessThan(order.get(r.name)!);
    }
    for (const [dependent, prerequisites] of dependsOn) {
      for (const p of prerequisites) expect(order.get(p)!, `${dependent} after ${p}`).toBeLessThan(order.get(dependent)!);
    }
  });

  it('makes each object wait for everything it references', () => {
    const dependsOn = run.result.kubernetes!.dependsOn;
    const deps = dependencies(run.result.manifests.filter((m) => m.kind !== 'ExternalSecret'), run.result.dependencies);
    expect(run.result.dependencies.length).toBeGreaterThan(0);
    expect(deps.length).toBeGreaterThan(0);
    // Kubernetes tolerates reference cycles (controllers retry); one edge of each is dropped, and
    // then the other side waits, transitively, for this one.
    const waitsFor = (from: string, to: string, seen = new Set<string>()): boolean =>
      (dependsOn.get(from) ?? []).some((d) => d === to || (!seen.has(d) && (seen.add(d), waitsFor(d, to, seen))));
    for (const d of deps) {
      const [from, to] = [resourceNameOf(d.from), resourceNameOf(d.to)];
      expect(waitsFor(from, to) || waitsFor(to, from), `${from} -> ${to}: ${d.reason}`).toBe(true);
      if (!waitsFor(to, from)) expect(dependsOn.get(from), `${from}: ${d.reason}`).toContain(to);
    }
    const api = `Deployment/${run.env.namespace}/agent-api`;
    expect(dependsOn.get(api)).toEqual(
      expect.arrayContaining([`ConfigMap/${run.env.namespace}/agent-service-settings`, `Secret/${run.env.namespace}/agent-service-secrets`, `ServiceAccount/${run.env.namespace}/agent-api`]),
    );
  });

  it('applies through a Kubernetes provider of its own, with server-side apply and the context it checked', () => {
    const providers = run.ofType('pulumi:providers:kubernetes');
    expect(providers).toHaveLength(1);
    expect(providers[0]!.inputs['enableServerSideApply']).toBe('true');
    // No kubeContext in the stack: the kubeconfig's current context, resolved and pinned.
    expect(providers[0]!.inputs['context']).toBe(run.env.gitops.cluster.name);
    expect(objects().every((r) => r.provider.includes('pulumi:providers:kubernetes::cluster::'))).toBe(true);
  });

  it('leaves Secrets Manager and External Secrets Operator’s role out', () => {
    expect(run.ofType('aws:secretsmanager/secret:Secret')).toEqual([]);
    expect(run.ofType('aws:iam/role:Role').map((r) => r.inputs['name'])).toEqual([run.result.needs.backup.roleName]);
  });

  it('registers the same names and inputs when run again, so an up after an up changes nothing', async () => {
    const again = await runProgram(name, { delivery: 'pulumi', secrets: values });
    expect(again.registered.map((r) => [r.type, r.name, r.inputs])).toEqual(run.registered.map((r) => [r.type, r.name, r.inputs]));
  });
});

describe('the backup ServiceAccount in pulumi delivery', () => {
  it('carries the ARN of the role this stack creates', async () => {
    // Until the data tier renders its backup CronJobs, point the backup identity at a rendered account.
    const probe = await runProgram('dev', { delivery: 'gitops' });
    const values = secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix);
    const run = await runProgram('dev', {
      delivery: 'pulumi',
      secrets: values,
      input: { needs: (n) => ({ ...n, backup: { ...n.backup, serviceAccounts: [{ namespace: 'agent-platform-dev', name: 'agent-worker' }] } }) },
    });
    const account = run.registered.find((r) => r.name === 'ServiceAccount/agent-platform-dev/agent-worker')!;
    expect(account.inputs['metadata']['annotations'][IRSA_ANNOTATION]).toBe('arn:aws:iam::111111111111:role/agent-platform-dev-backup');
    const other = run.registered.find((r) => r.name === 'ServiceAccount/agent-platform-dev/agent-api')!;
    expect(other.inputs['metadata']['annotations']?.[IRSA_ANNOTATION]).toBeUndefined();
  });
});

describe('a kubeconfig context in stack config', () => {
  it('is the one the Kubernetes provider uses', async () => {
    const probe = await runProgram('dev', { delivery: 'gitops' });
    const run = await runProgram('dev', {
      delivery: 'pulumi',
      secrets: secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix),
      config: { kubeContext: 'nonprod' },
    });
    expect(run.ofType('pulumi:providers:kubernetes')[0]!.inputs['context']).toBe('nonprod');
  });
});

describe('secret values from stack config', () => {
  const externalSecret: Manifest = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace: 'ns', labels: { app: 'db' } },
    spec: {
      target: { name: 'db-credentials', template: { data: { DATABASE_URL: 'postgresql://app:{{ .password | urlquery }}@db-rw:5432/app' } } },
      data: [{ secretKey: 'password', remoteRef: { key: 'agent-platform/dev/postgres', property: 'password' } }],
    },
  };

  it('are looked up by the remote key without the environment prefix', () => {
    expect(planSecret(externalSecret, 'agent-platform/dev').entries).toEqual([{ secretKey: 'password', configKey: 'postgres', property: 'password' }]);
  });

  it('fill templates the way External Secrets Operator would, URL-encoding as Go’s urlquery does', () => {
    const plan = planSecret(externalSecret, 'agent-platform/dev');
    expect(secretData(plan, { postgres: { password: "p@ss/w rd!'~" } }, 'dev')).toEqual({
      password: "p@ss/w rd!'~",
      DATABASE_URL: 'postgresql://app:p%40ss%2Fw+rd%21%27~@db-rw:5432/app',
    });
  });

  it('when missing, are listed with the command that sets each one', () => {
    const plan = planSecret(externalSecret, 'agent-platform/dev');
    expect(() => secretData(plan, {}, 'dev')).toThrow(
      "Secret db-credentials: secret config values are missing; set them with\n  pulumi config set --stack dev --secret --path 'secrets.postgres.password' <value>",
    );
  });

  it('cannot come from a dataFrom, which only the operator can expand', () => {
    const withDataFrom = { ...externalSecret, spec: { ...(externalSecret['spec'] as object), dataFrom: [{ extract: { key: 'x' } }] } };
    expect(() => planSecret(withDataFrom, 'agent-platform/dev')).toThrow('ExternalSecret db: dataFrom is not supported in pulumi delivery');
  });

  it('cannot be computed by template functions other than urlquery', () => {
    const templated = { ...externalSecret, spec: { ...(externalSecret['spec'] as object), target: { name: 'x', template: { data: { K: '{{ .password | b64enc }}' } } } } };
    expect(() => planSecret(templated, 'agent-platform/dev')).toThrow('only {{ .key }} and {{ .key | urlquery }} are supported');
  });
});

describe('an object of a built-in kind without a typed class', () => {
  it('is refused, naming the table to extend', () => {
    expect(() => constructorOf({ apiVersion: 'v1', kind: 'ReplicationController' })).toThrow(
      'v1 ReplicationController: no typed class registered for this built-in kind; add it to BUILT_IN in stacks/pulumi/kubernetes-objects.ts',
    );
  });

  it('is a custom resource when its group is a CRD’s', () => {
    expect(constructorOf({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' }).name).toBe('CustomResource');
    // The Gateway API is a CRD group under k8s.io, installed by an add-on, not served by Kubernetes.
    expect(constructorOf({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' }).name).toBe('CustomResource');
    expect(constructorOf({ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy' }).name).toBe('CustomResource');
  });
});

describe('a run whose secret values resolve', () => {
  it('returns them only through outputs marked secret', async () => {
    const probe = await runProgram('staging', { delivery: 'gitops' });
    const values = secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix);
    const run = await runProgram('staging', { delivery: 'pulumi', secrets: values });
    const secrets = [...run.result.kubernetes!.resources].filter(([n]) => n.startsWith('Secret/')).map(([, r]) => r as unknown as { stringData: pulumi.Output<Record<string, string>> });
    const resolved = await Promise.all(secrets.map((s) => valueOf(s.stringData)));
    const resolvedValues = resolved.flatMap((data) => Object.values(data));
    for (const v of allValues(values)) expect(resolvedValues).toContain(v);
  });
});

describe('objects whose deletion loses data', () => {
  it('are protected from deletion in production, and only there', async () => {
    const protectedNames = async (name: string) => {
      const probe = await runProgram(name, { delivery: 'gitops' });
      const run = await runProgram(name, { delivery: 'pulumi', secrets: secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix) });
      return [...run.result.kubernetes!.resources].filter(([, r]) => (r as unknown as { __protect?: boolean }).__protect === true).map(([n]) => n);
    };
    expect(await protectedNames('prod')).toContain('Namespace/agent-platform-prod');
    expect(await protectedNames('prod')).not.toContain('Deployment/agent-platform-prod/agent-api');
    expect(await protectedNames('dev')).toEqual([]);
  });
});

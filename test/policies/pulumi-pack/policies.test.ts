/**
 * The CrossGuard pack (policies/pulumi-pack) over the Kubernetes resources the program registers
 * in `pulumi` delivery: the same rules `npm run policy` runs on generated/, applied to what
 * `pulumi preview --policy-pack policies/pulumi-pack` would see (props with secrets unwrapped).
 */
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../../environments/load.ts';
import { checkObjects, sourced } from '../../../policies/engine.ts';
import type { CheckEnvironment } from '../../../policies/types.ts';
import { buildPolicies } from '../../../policies/pulumi-pack/policies.ts';
import { resourceNameOf } from '../../../stacks/pulumi/kubernetes-objects.ts';
import type { Manifest } from '../../../kube/object.ts';
import { planSecret, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { ENVIRONMENTS_DIR, reveal, runProgram, type MockedRun, type Registered } from '../../support/pulumi-mocks.ts';

interface Finding {
  readonly policy: string;
  readonly level: string;
  readonly resource: string;
  readonly message: string;
}

function secretValuesFor(manifests: readonly Manifest[], prefix: string): SecretValues {
  const values: Record<string, Record<string, string>> = {};
  for (const m of manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, prefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: 'placeholder' };
  }
  return values;
}

/** What CrossGuard hands a policy: the inputs, with secrets unwrapped. */
function policyResource(r: Registered): PolicyResource & ResourceValidationArgs {
  const props = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, reveal(v)]));
  const urn = `urn:pulumi:test::agent-platform::${r.type}::${r.name}`;
  return { type: r.type, name: r.name, urn, props, opts: {} as never, dependencies: [], propertyDependencies: {}, stackTags: new Map() } as unknown as PolicyResource &
    ResourceValidationArgs;
}

async function runPack(resources: readonly Registered[], env: CheckEnvironment): Promise<Finding[]> {
  const findings: Finding[] = [];
  const args = resources.filter((r) => r.type.startsWith('kubernetes:')).map(policyResource);
  const byUrn = new Map(args.map((a) => [a.urn, a.name]));
  for (const policy of buildPolicies({ env, waivers: [], today: '2026-11-23' })) {
    const level = policy.enforcementLevel ?? 'advisory';
    if (level === 'disabled') continue;
    if ('validateResource' in policy && policy.validateResource) {
      const validate = policy.validateResource as (a: ResourceValidationArgs, report: (m: string, urn?: string) => void) => void | Promise<void>;
      for (const a of args) await validate(a, (message) => findings.push({ policy: policy.name, level, resource: a.name, message }));
    } else {
      const validate = (policy as StackValidationPolicy).validateStack as (a: StackValidationArgs, report: (m: string, urn?: string) => void) => void | Promise<void>;
      await validate({ resources: args } as unknown as StackValidationArgs, (message, urn) =>
        findings.push({ policy: policy.name, level, resource: (urn && byUrn.get(urn)) ?? '(stack)', message }),
      );
    }
  }
  return findings;
}

const names = environmentNames(ENVIRONMENTS_DIR);

describe.each(names)('the policy pack over what %s registers in pulumi delivery', (name) => {
  let run: MockedRun;
  let findings: Finding[];
  beforeAll(async () => {
    const probe = await runProgram(name, { delivery: 'gitops' });
    run = await runProgram(name, { delivery: 'pulumi', secrets: secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix) });
    findings = await runPack(run.registered, { name, production: run.env.production, delivery: 'pulumi' });
  });

  it('blocks exactly what the policy check of the rendered YAML fails', () => {
    const viaPulumi = findings.filter((f) => f.level === 'mandatory').map((f) => `${f.policy} ${f.resource}`);
    const viaSynth = checkObjects(sourced(run.result.manifests as never), { env: { name, production: run.env.production } })
      .findings.filter((f) => f.severity === 'error' && f.object.kind !== 'ExternalSecret')
      .map((f) => `${f.rule} ${resourceNameOf({ kind: f.object.kind, metadata: { name: f.object.name, ...(f.object.namespace ? { namespace: f.object.namespace } : {}) } })}`);
    expect([...new Set(viaPulumi)].sort()).toEqual([...new Set(viaSynth)].sort());
  });

  it('accepts the Secrets it fills from encrypted secret config, which only pulumi delivery does', () => {
    expect(run.registered.filter((r) => r.type === 'kubernetes:core/v1:Secret').length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.policy === 'no-secret-data')).toEqual([]);
  });
});

describe('the policy pack over a registered object that breaks a rule', () => {
  it('reports it as mandatory, so the pack is really applied', async () => {
    const probe = await runProgram('prod', { delivery: 'gitops' });
    const deployment = (await runProgram('prod', { delivery: 'pulumi', secrets: secretValuesFor(probe.result.manifests, probe.env.secrets.remoteKeyPrefix) })).registered.find(
      (r) => r.name === 'Deployment/agent-platform-prod/agent-api',
    )!;
    const spec = structuredClone(deployment.inputs['spec']);
    spec.template.spec.containers[0].securityContext = { ...spec.template.spec.containers[0].securityContext, privileged: true };
    const findings = await runPack([{ ...deployment, inputs: { ...deployment.inputs, spec } }], { name: 'prod', production: true });
    expect(findings.filter((f) => f.level === 'mandatory').map((f) => f.policy)).toContain('no-privileged');
  });
});

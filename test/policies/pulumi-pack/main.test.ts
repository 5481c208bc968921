/**
 * The CrossGuard pack loaded the way the Pulumi CLI loads it: the real host entry
 * (`@pulumi/pulumi/cmd/run-policy-pack`), `require(<pack dir>)`, the stack in `PULUMI_NODEJS_STACK`,
 * and the pack's own gRPC Analyzer service asked what the CLI asks. Calling `buildPolicies()`
 * directly (test/policies/pulumi-pack.test.ts) cannot see a pack that fails to load.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../../environments/load.ts';
import { buildPolicies, INPUTS_POLICY } from '../../../policies/pulumi-pack/policies.ts';
import { environmentOfStack, STACK_VARIABLE } from '../../../policies/pulumi-pack/stack-environment.ts';
import { RULES } from '../../../policies/rules/index.ts';
import { NON_PRODUCTION, PRODUCTION } from '../../support/environments.ts';
import { PackLoadError, startPolicyPack, type RunningPack } from '../../support/policy-pack-host.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PACK = join(ROOT, 'policies', 'pulumi-pack');
const ENVIRONMENTS = join(ROOT, 'environments');

const privileged = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'agent-platform-prod' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'example/api:1', securityContext: { privileged: true } }] } },
  },
};

describe.each([PRODUCTION, NON_PRODUCTION])('the policy pack started by the CLI’s Node.js host for stack %s', (stack) => {
  let pack: RunningPack;
  beforeAll(async () => {
    pack = await startPolicyPack(PACK, stack);
  }, 120_000);
  afterAll(() => pack?.stop());

  it('serves one policy per rule, at the severity the stack’s environment gives it', () => {
    const environment = loadEnvironment(ENVIRONMENTS, stack);
    const expected = buildPolicies({ env: { name: stack, production: environment.production, delivery: environment.delivery } }).map((p) => ({
      name: p.name,
      enforcementLevel: p.enforcementLevel ?? 'advisory',
    }));
    expect(pack.name).toBe('agent-platform-kubernetes');
    expect(pack.policies.map((p) => p.name).sort()).toEqual([INPUTS_POLICY, ...RULES.map((r) => r.id)].sort());
    expect([...pack.policies].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual(expected.sort((a, b) => (a.name < b.name ? -1 : 1)));
  });

  it('blocks a privileged container sent to it as the engine sends a resource', async () => {
    const diagnostics = await pack.analyze({ type: 'kubernetes:apps/v1:Deployment', name: 'Deployment/agent-platform-prod/api', props: privileged });
    expect(diagnostics.filter((d) => d.policy === 'no-privileged').map((d) => d.enforcementLevel)).toEqual(['mandatory']);
  });
});

describe('the policy pack started for a stack that is not an environment', () => {
  it('fails to load, naming the variable, the stack and the environments there are', async () => {
    const error = await startPolicyPack(PACK, 'qa').then(
      (p) => {
        p.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PackLoadError);
    expect((error as PackLoadError).exitCode).not.toBe(0);
    expect((error as PackLoadError).stderr).toContain(`${STACK_VARIABLE} is "qa", which is not an environment; stacks are named after one of ${environmentNames(ENVIRONMENTS).join(', ')}`);
  }, 120_000);
});

describe('the stack name the pack is given', () => {
  const names = environmentNames(ENVIRONMENTS);

  it('selects the environment, also when fully qualified', () => {
    for (const name of names) {
      expect(environmentOfStack({ [STACK_VARIABLE]: name }, names)).toBe(name);
      expect(environmentOfStack({ [STACK_VARIABLE]: `acme/agent-platform/${name}` }, names)).toBe(name);
    }
  });

  it('is required: without it the pack says which variable the CLI sets', () => {
    expect(() => environmentOfStack({}, names)).toThrow(`${STACK_VARIABLE} is not set`);
  });
});

/**
 * `pulumi preview` and `pulumi up` for real (issue 14 item 4): the Pulumi CLI and the kubernetes
 * resource provider built from the Go module proxy, the program of dev switched to
 * `delivery: pulumi` (and `awsResources: external`: the AWS provider is not served by the proxy),
 * the CrossGuard pack loaded by the CLI with `--policy-pack`, against the control plane of
 * test/cluster/control-plane.ts. See test/cluster/pulumi.ts for what runs how, and
 * docs/cluster-harness.md, "pulumi up for real".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '@pulumi/pulumi/automation/index.js';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnvironment } from '../../environments/load.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import { planSecret } from '../../stacks/pulumi/pulumi-secrets.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { CONTROL_PLANE_BINARIES, startControlPlane, type ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { PULUMI_BINARIES, pulumiSandbox, REPO_ROOT, type PulumiSandbox } from './pulumi.ts';

const ENVIRONMENT = 'dev';
const PACK_NAME = 'agent-platform-kubernetes';

/**
 * Objects whose readiness (`pulumi.com/waitFor`, stacks/pulumi/readiness.ts) only a controller sets
 * that the plane does not run (cert-manager, Envoy Gateway): `up` leaves them and what depends on
 * them out, instead of waiting for a condition nothing here will set. The preview covers them.
 */
const WAITING_ON_ABSENT_CONTROLLERS = ['**kubernetes:cert-manager.io/v1:*::**', '**kubernetes:gateway.networking.k8s.io/v1:Gateway::**'] as const;

/** One value per secret the ExternalSecrets name, as an operator sets them (`secrets.<key>.<property>`). */
async function secretConfig(): Promise<Map<string, string>> {
  const env = loadEnvironment(join(REPO_ROOT, 'environments'), ENVIRONMENT);
  const values = new Map<string, string>();
  for (const { manifest } of await renderEnvironment(env)) {
    if (manifest.kind !== 'ExternalSecret') continue;
    for (const e of planSecret(manifest, env.secrets.remoteKeyPrefix).entries) values.set(`secrets.${e.configKey}.${e.property}`, `cluster-test-${e.property.toLowerCase()}`);
  }
  return values;
}

/** The context the plane's admin kubeconfig selects; the stack names it, as the README asks. */
function currentContext(kubeconfig: string): string {
  const context = (yaml.load(readFileSync(kubeconfig, 'utf8')) as { 'current-context'?: string })['current-context'];
  if (!context) throw new Error(`${kubeconfig} has no current-context`);
  return context;
}

/** The stack of `sandbox`, configured as README's "`pulumi up`, step by step" says, on `plane`. */
async function configuredStack(sandbox: PulumiSandbox, plane: ControlPlane): Promise<Stack> {
  const stack = await sandbox.stack(ENVIRONMENT);
  await stack.setAllConfig({
    awsResources: { value: 'external' },
    kubeconfig: { value: plane.kubeconfig },
    kubeContext: { value: currentContext(plane.kubeconfig) },
  });
  for (const [key, value] of await secretConfig()) await stack.setConfig(key, { value, secret: true }, true);
  return stack;
}

describeWithBinaries('pulumi preview and up of dev in pulumi delivery', [...PULUMI_BINARIES, ...CONTROL_PLANE_BINARIES], 'run npm run tools:build', (paths) => {
  let plane: ControlPlane;
  let sandbox: PulumiSandbox;
  let stack: Stack;
  beforeAll(async () => {
    plane = await startControlPlane();
    // The add-ons' CRDs, from their upstream sources: the provider's dry-run of a custom object needs its kind served.
    installCrds(plane);
    sandbox = await pulumiSandbox({ pulumi: paths['pulumi']!, 'pulumi-resource-kubernetes': paths['pulumi-resource-kubernetes']! }, ENVIRONMENT, plane.server);
    stack = await configuredStack(sandbox, plane);
  }, 600_000);
  afterAll(async () => {
    sandbox?.remove();
    await plane?.stop();
  });

  it('previews every object with the policy pack loaded by the CLI', async () => {
    const result = await stack.preview({ policyPacks: [sandbox.policyPack], color: 'never' });
    // The CLI lists the packs it ran with their version; a pack that did not load fails the preview.
    expect(result.stdout).toContain(PACK_NAME);
    expect(result.changeSummary['create']).toBeGreaterThan(50);
    expect(Object.keys(result.changeSummary).filter((op) => op !== 'create')).toEqual([]);
  }, 600_000);

  it('applies every object with up, the pack loaded, and a second up changes nothing', async () => {
    const options = { policyPacks: [sandbox.policyPack], color: 'never' as const, exclude: [...WAITING_ON_ABSENT_CONTROLLERS], excludeDependents: true };
    const first = await stack.up(options);
    expect(first.stdout).toContain(PACK_NAME);
    expect(first.summary.resourceChanges?.['create']).toBeGreaterThan(50);
    const namespace = loadEnvironment(join(sandbox.checkout, 'environments'), ENVIRONMENT).namespace;
    expect(plane.kubectl(['-n', namespace, 'get', 'deployment', 'agent-api', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('1');
    const second = await stack.up(options);
    expect(Object.keys(second.summary.resourceChanges ?? {})).toEqual(['same']);
  }, 1_200_000);

  it('refuses a deliberately broken variant, naming the mandatory policy', async () => {
    const broken = await pulumiSandbox(
      { pulumi: paths['pulumi']!, 'pulumi-resource-kubernetes': paths['pulumi-resource-kubernetes']! },
      ENVIRONMENT,
      plane.server,
      (checkout) => {
        const file = join(checkout, 'constructs', 'security.ts');
        const text = readFileSync(file, 'utf8');
        expect(text).toContain('allowPrivilegeEscalation: false,');
        writeFileSync(file, text.replace('allowPrivilegeEscalation: false,', 'allowPrivilegeEscalation: true,'));
      },
    );
    try {
      const brokenStack = await configuredStack(broken, plane);
      const error = await brokenStack.preview({ policyPacks: [broken.policyPack], color: 'never' }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error, 'the preview of the broken variant succeeded').toBeDefined();
      expect(String(error)).toContain('no-privilege-escalation');
      expect(String(error)).toContain('mandatory');
    } finally {
      broken.remove();
    }
  }, 600_000);
});

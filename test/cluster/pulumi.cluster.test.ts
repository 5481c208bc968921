/**
 * `pulumi up` for real (issue 14 item 4): the Pulumi CLI and the kubernetes resource provider built
 * from the Go module proxy (tools/go-tools/pins.ts), the program of an environment switched to
 * `delivery: pulumi` with `awsResources: external` (the AWS provider is not served by the proxy),
 * the CrossGuard pack loaded by the CLI with `--policy-pack`, against a control plane of
 * ./control-plane.ts on which cert-manager runs for real (./issuers.ts) and the cluster's
 * configuration is synced first, as Argo CD syncs it. See ./pulumi.ts for what runs how, and
 * docs/cluster-harness.md, "pulumi up for real", for what this proves and what it cannot.
 *
 * - dev, from nothing: preview (the pack loaded, every object a create), up (every object
 *   applied, every workload rolled out), a second up that changes nothing, and a deliberately
 *   broken variant that the pack refuses, naming the mandatory policy;
 * - prod, taken over from Argo CD: its objects synced as Argo CD syncs them (External Secrets
 *   running, so its Secrets exist as they would), then the switch-over of docs/pulumi.md run step by
 *   step with the real CLI (`runSwitchOver`), a second up that changes nothing, and
 *   `pulumi destroy --exclude-protected`, which leaves exactly what holds data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalWorkspace, Stack } from '@pulumi/pulumi/automation/index.js';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnvironment } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { at, kindOf, nameOf, namespaceOf } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';
import { planSecret } from '../../stacks/pulumi/pulumi-secrets.ts';
import { argoApplicationOf, externalSecretsOf, runSwitchOver, switchOverPlan, type CommandRunner } from '../../stacks/pulumi/switch-over.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { addOnNamespaces, provisionersOf, startStandInProvisioner } from './add-on-stand-ins.ts';
import { startConditionStandIn } from './condition-stand-in.ts';
import { readObjects } from './connectivity.ts';
import { CONTROL_PLANE_BINARIES, kubectlPath, startControlPlane, type ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { ISSUER_BINARIES, issuerStandIns, startIssuers, type RunningIssuers } from './issuers.ts';
import { KubeApi } from './kube-api.ts';
import { rolloutProblems } from './live-checks.ts';
import { PULUMI_BINARIES, pulumiSandbox, REPO_ROOT, type PulumiSandbox } from './pulumi.ts';
import { showRejection, syncObjects } from './sync.ts';
import { spawnSync } from 'node:child_process';

const GENERATED = join(REPO_ROOT, 'generated');
const PACK_NAME = 'agent-platform-kubernetes';
const MINUTES = 60_000;
const BINARIES = [...PULUMI_BINARIES, ...CONTROL_PLANE_BINARIES, ...ISSUER_BINARIES];
const rootObjects = readObjects(join(GENERATED, 'argocd', 'root'));

/** Measured times, printed at the end. */
const timings: string[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings.push(`${what}: ${seconds(Date.now() - t0)}`);
  }
}
afterAll(() => {
  if (timings.length) process.stderr.write(`pulumi.cluster.test.ts timings:\n${timings.map((t) => `  ${t}`).join('\n')}\n`);
});

/** One value per secret the ExternalSecrets name, as an operator sets them (`secrets.<key>.<property>`). */
function secretConfig(env: Environment, manifests: readonly Manifest[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const m of manifests) {
    if (m.kind !== 'ExternalSecret') continue;
    for (const e of planSecret(m, env.secrets.remoteKeyPrefix).entries) values.set(`secrets.${e.configKey}.${e.property}`, `cluster-test-${e.property.toLowerCase()}`);
  }
  return values;
}

/** Sets every secret value in one CLI run (`pulumi config set-all --path --secret`). */
async function configureSecrets(stack: Stack, env: Environment, manifests: readonly Manifest[]): Promise<void> {
  await stack.setAllConfig(Object.fromEntries([...secretConfig(env, manifests)].map(([key, value]) => [key, { value, secret: true }])), true);
}

/** The context the plane's admin kubeconfig selects; the stack names it, as docs/pulumi.md asks. */
function currentContext(kubeconfig: string): string {
  const context = (yaml.load(readFileSync(kubeconfig, 'utf8')) as { 'current-context'?: string })['current-context'];
  if (!context) throw new Error(`${kubeconfig} has no current-context`);
  return context;
}

/** A control plane with what a cluster has before an environment arrives, and the environment's sandbox. */
interface Cluster {
  readonly env: Environment;
  readonly plane: ControlPlane;
  readonly api: KubeApi;
  readonly manifests: readonly Manifest[];
  readonly sandbox: PulumiSandbox;
  readonly stack: Stack;
  stop(): Promise<void>;
}

/**
 * A fresh control plane prepared as the environment's cluster is before its environment arrives:
 * the add-ons' CRDs and namespaces, the cluster's configuration synced as Argo CD syncs it (storage
 * classes, ClusterIssuers...), cert-manager and External Secrets running (./issuers.ts), the EBS
 * volume provisioner and the left-out controllers' conditions played by the test; then the
 * sandbox with `name` switched to `delivery: pulumi` and its stack configured as docs/pulumi.md says.
 */
async function prepareCluster(name: string, edit?: (checkout: string) => void): Promise<Cluster> {
  const env = loadEnvironment(join(REPO_ROOT, 'environments'), name);
  const manifests = (await renderEnvironment(env)).map((f) => f.manifest);
  const plane = await startControlPlane();
  const stops: (() => Promise<void>)[] = [() => plane.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    installCrds(plane);
    const api = new KubeApi(plane.kubeconfig);
    const server = env.gitops.cluster.server;
    const prepared = await syncObjects(api, addOnNamespaces(rootObjects, server), { waitHealthy: false });
    stops.push(...provisionersOf(rootObjects, server).map((p) => startStandInProvisioner(api, p)));
    stops.push(startConditionStandIn(api));
    // The cluster's configuration less the issuers and stores the stand-ins take the place of
    // (their ACME and AWS specs cannot work offline).
    const replaced = new Set(issuerStandIns([{ env, manifests }]).map((o) => `${o.kind}/${o.metadata.name}`));
    const configuration = readObjects(join(GENERATED, 'argocd', 'clusters', env.gitops.cluster.name)).filter((o) => !replaced.has(`${kindOf(o)}/${nameOf(o)}`));
    const clusterSync = await syncObjects(api, configuration);
    const refused = [...prepared.rejected, ...clusterSync.rejected].map(showRejection);
    if (refused.length) throw new Error(`the cluster configuration was refused:\n${refused.join('\n')}`);
    const issuers: RunningIssuers = await startIssuers(plane, { rendered: [{ env, manifests }] });
    stops.push(() => issuers.stop());
    const sandbox = await pulumiSandbox(
      { pulumi: findOrThrow('pulumi'), 'pulumi-resource-kubernetes': findOrThrow('pulumi-resource-kubernetes') },
      name,
      plane.server,
      edit,
    );
    stops.push(async () => sandbox.remove());
    const stack = await sandbox.stack(name);
    await stack.setAllConfig({
      awsResources: { value: 'external' },
      kubeconfig: { value: plane.kubeconfig },
      kubeContext: { value: currentContext(plane.kubeconfig) },
    });
    await configureSecrets(stack, env, manifests);
    return { env, plane, api, manifests, sandbox, stack, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

let binaryPaths: Record<string, string> = {};
function findOrThrow(name: string): string {
  const p = binaryPaths[name];
  if (!p) throw new Error(`${name} not built; run npm run tools:build`);
  return p;
}

/** Objects of the live namespace, by `Kind/name`, of the kinds the rendering has there. */
async function liveNames(api: KubeApi, manifests: readonly Manifest[], namespace: string): Promise<Set<string>> {
  const kinds = new Map(manifests.filter((m) => m.metadata.namespace === namespace).map((m) => [`${m.apiVersion} ${m.kind}`, m]));
  const out = new Set<string>();
  for (const m of kinds.values()) for (const o of await api.list(m.apiVersion, m.kind, namespace)) out.add(`${m.kind}/${nameOf(o as K8sObject)}`);
  return out;
}

describeWithBinaries('pulumi preview and up of dev, from nothing', BINARIES, 'run `npm run tools:build` (needs Go)', (paths) => {
  binaryPaths = paths;
  let c: Cluster;
  beforeAll(async () => {
    c = await timed('dev: control plane, cluster configuration, cert-manager, sandbox', () => prepareCluster('dev'));
  }, 10 * MINUTES);
  afterAll(async () => c?.stop());

  it('previews every object as a create, with the policy pack loaded by the CLI', async () => {
    const result = await timed('dev: preview', () => c.stack.preview({ policyPacks: [c.sandbox.policyPack], color: 'never' }));
    // The CLI lists the packs it ran; a pack that did not load fails the preview.
    expect(result.stdout).toContain(PACK_NAME);
    expect(Object.keys(result.changeSummary).filter((op) => op !== 'create' && op !== 'same')).toEqual([]);
    expect(result.changeSummary['create']).toBeGreaterThanOrEqual(c.manifests.length);
  }, 10 * MINUTES);

  it('applies every object with up, rolls every workload out, and a second up changes nothing', async () => {
    const options = { policyPacks: [c.sandbox.policyPack], color: 'never' as const };
    const first = await timed('dev: up', () => c.stack.up(options));
    expect(first.stdout).toContain(PACK_NAME);
    expect(first.summary.resourceChanges?.['create']).toBeGreaterThanOrEqual(c.manifests.length);
    const live = await liveNames(c.api, c.manifests, c.env.namespace);
    const missing = c.manifests.filter((m) => m.metadata.namespace === c.env.namespace && m.kind !== 'ExternalSecret' && !live.has(`${m.kind}/${m.metadata.name}`));
    expect(missing.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
    const rollouts = await rolloutProblems(c.api, c.manifests as unknown as K8sObject[]);
    expect(rollouts.problems).toEqual([]);
    const second = await timed('dev: second up', () => c.stack.up(options));
    expect(Object.keys(second.summary.resourceChanges ?? {})).toEqual(['same']);
  }, 20 * MINUTES);

  it('refuses a deliberately broken variant, naming the mandatory policy', async () => {
    const broken = await pulumiSandbox({ pulumi: findOrThrow('pulumi'), 'pulumi-resource-kubernetes': findOrThrow('pulumi-resource-kubernetes') }, 'dev', c.plane.server, (checkout) => {
      const file = join(checkout, 'constructs', 'security.ts');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('allowPrivilegeEscalation: false,');
      writeFileSync(file, text.replace('allowPrivilegeEscalation: false,', 'allowPrivilegeEscalation: true,'));
    });
    try {
      const stack = await broken.stack('dev');
      await stack.setAllConfig({ awsResources: { value: 'external' }, kubeconfig: { value: c.plane.kubeconfig }, kubeContext: { value: currentContext(c.plane.kubeconfig) } });
      await configureSecrets(stack, c.env, c.manifests);
      const error = await timed('dev: preview of the broken variant', () =>
        stack.preview({ policyPacks: [broken.policyPack], color: 'never' }).then(
          () => undefined,
          (e: Error) => e,
        ),
      );
      expect(error, 'the preview of the broken variant succeeded').toBeDefined();
      expect(String(error)).toContain('no-privilege-escalation');
      expect(String(error)).toContain('mandatory');
    } finally {
      broken.remove();
    }
  }, 10 * MINUTES);
});

describeWithBinaries('pulumi takes prod over from Argo CD, and destroy keeps what holds data', BINARIES, 'run `npm run tools:build` (needs Go)', (paths) => {
  binaryPaths = paths;
  let c: Cluster;
  let objects: K8sObject[];
  beforeAll(async () => {
    c = await timed('prod: control plane, cluster configuration, cert-manager, sandbox', () => prepareCluster('prod'));
    // What Argo CD left: the root's Applications and the environment's committed objects, synced
    // as Argo CD syncs them; External Secrets fills the Secrets the ExternalSecrets name.
    objects = readObjects(join(GENERATED, 'prod'));
    const synced = await timed('prod: synced as Argo CD syncs it', async () => [await syncObjects(c.api, rootObjects), await syncObjects(c.api, objects)]);
    const refused = synced.flatMap((s) => s.rejected).map(showRejection);
    if (refused.length) throw new Error(`Argo CD's sync was refused:\n${refused.join('\n')}`);
  }, 15 * MINUTES);
  afterAll(async () => c?.stop());

  /** The switch-over's commands: kubectl and pulumi for real, `pulumi up` through the Automation API (./pulumi.ts says why). */
  const runner = (): CommandRunner => async (command, env = {}) => {
    if (command[0] === 'kubectl') {
      const r = spawnSync(kubectlPath(), ['--kubeconfig', c.plane.kubeconfig, ...command.slice(1)], { encoding: 'utf8' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    }
    if (command[0] !== 'pulumi') throw new Error(`the switch-over ran ${command.join(' ')}`);
    if (command[1] !== 'up') return c.sandbox.cli(command.slice(1), env);
    const pack = command[command.indexOf('--policy-pack') + 1];
    expect(command).toEqual(['pulumi', 'up', '--stack', 'prod', '--yes', '--policy-pack', pack]);
    // The workspace passes its variables to the CLI, which passes them to the provider.
    const variables = (c.stack.workspace as LocalWorkspace).envVars;
    Object.assign(variables, env);
    try {
      const r = await c.stack.up({ policyPacks: [pack!], color: 'never' });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      return { code: 255, stdout: '', stderr: String(e) };
    } finally {
      for (const k of Object.keys(env)) delete variables[k];
    }
  };

  it('refuses to take over while Argo CD still has the Application, then takes every object over as docs/pulumi.md says', async () => {
    const application = argoApplicationOf(c.env);
    const context = currentContext(c.plane.kubeconfig);
    const plan = switchOverPlan({
      stack: 'prod',
      application,
      argoContext: context,
      cluster: { context, namespace: c.env.namespace },
      externalSecrets: externalSecretsOf(c.manifests),
      policyPack: c.sandbox.policyPack,
    });
    await expect(runSwitchOver(plan, runner())).rejects.toThrow('Argo CD still delivers the environment');
    // The root Application prunes it once delivery: pulumi is merged (the sandbox's rendering has no
    // such Application); it has no resources finalizer, so the objects stay.
    c.plane.kubectl(['-n', application.namespace, 'delete', 'applications.argoproj.io', application.name]);
    await timed('prod: switch-over (two ups)', () => runSwitchOver(plan, runner()));
    // Every object is now applied by Pulumi's field manager.
    const deployment = objects.find((o) => kindOf(o) === 'Deployment')!;
    const managers = ((at(await c.api.get('apps/v1', 'Deployment', namespaceOf(deployment), nameOf(deployment)), 'metadata', 'managedFields') ?? []) as { manager: string }[]).map((m) => m.manager);
    expect(managers.some((m) => m.startsWith('pulumi'))).toBe(true);
    const rollouts = await rolloutProblems(c.api, objects);
    expect(rollouts.problems).toEqual([]);
  }, 20 * MINUTES);

  it('changes nothing on a second up', async () => {
    const second = await timed('prod: second up', () => c.stack.up({ policyPacks: [c.sandbox.policyPack], color: 'never' }));
    expect(Object.keys(second.summary.resourceChanges ?? {})).toEqual(['same']);
  }, 10 * MINUTES);

  it('keeps what holds data on a plain destroy, which fails, and on destroy --exclude-protected, which leaves exactly that and what it needs', async () => {
    const refused = await timed('prod: plain destroy (refused)', () =>
      c.stack.destroy({ color: 'never' }).then(
        () => undefined,
        (e: Error) => e,
      ),
    );
    // It deletes what is not protected and fails on what is: the data stays either way.
    expect(String(refused)).toMatch(/protect/);
    const live = async () => liveNames(c.api, c.manifests, c.env.namespace);
    expect((await live()).has(`Cluster/${c.manifests.find((m) => m.kind === 'Cluster')!.metadata.name}`)).toBe(true);

    await timed('prod: destroy --exclude-protected', () => c.stack.destroy({ excludeProtected: true, color: 'never' }));
    const state = (await c.stack.exportStack()).deployment as { resources?: { type: string; urn: string; protect?: boolean; dependencies?: string[] }[] };
    const objects = (state.resources ?? []).filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:providers'));
    // What a protected object depends on stays with it (the Cluster's bootstrap Secrets).
    const kept = new Set(objects.filter((r) => r.protect).map((r) => r.urn));
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of objects) for (const d of kept.has(r.urn) ? (r.dependencies ?? []) : []) if (!kept.has(d)) grew = kept.add(d) !== undefined;
    }
    expect(objects.filter((r) => r.protect).map((r) => r.urn.split('::').at(-1)).sort()).toEqual(
      c.manifests.filter((m) => m.kind === 'Namespace' || m.kind === 'PersistentVolumeClaim' || m.kind === 'Cluster').map((m) => `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`).sort(),
    );
    expect(objects.filter((r) => !kept.has(r.urn)).map((r) => r.urn)).toEqual([]);
    const left = await live();
    expect([...left].filter((n) => n.startsWith('Deployment/') || n.startsWith('StatefulSet/'))).toEqual([]);
    expect(await c.api.get('v1', 'Namespace', undefined, c.env.namespace)).toBeDefined();
    expect(left.has(`Cluster/${c.manifests.find((m) => m.kind === 'Cluster')!.metadata.name}`)).toBe(true);
  }, 10 * MINUTES);
});

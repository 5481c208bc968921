/**
 * What the `pulumi up` stage's two files share (./pulumi-up.cluster.test.ts, from nothing, and
 * ./pulumi-switch-over.cluster.test.ts, taken over from Argo CD): a control plane prepared as the
 * environment's cluster is before its environment arrives, and the environment's sandbox with its
 * stack configured as docs/pulumi.md says. ./pulumi.ts says how the CLI runs; docs/cluster-harness.md,
 * "pulumi up for real", what the stage proves and what it cannot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '@pulumi/pulumi/automation/index.js';
import yaml from 'js-yaml';
import { afterAll } from 'vitest';
import { loadEnvironment } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { kindOf, nameOf } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';
import { planSecret } from '../../stacks/pulumi/pulumi-secrets.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { addOnNamespaces, provisionersOf, startStandInProvisioner } from './add-on-stand-ins.ts';
import { startConditionStandIn } from './condition-stand-in.ts';
import { readObjects } from './connectivity.ts';
import { CONTROL_PLANE_BINARIES, startControlPlane, type ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { ISSUER_BINARIES, issuerStandIns, startIssuers, type RenderedEnvironment, type RunningIssuers } from './issuers.ts';
import { KubeApi } from './kube-api.ts';
import { PULUMI_BINARIES, pulumiSandbox, REPO_ROOT, type PulumiBinary, type PulumiSandbox } from './pulumi.ts';
import { showRejection, syncObjects } from './sync.ts';

export const GENERATED = join(REPO_ROOT, 'generated');
export const PACK_NAME = 'agent-platform-kubernetes';
export const MINUTES = 60_000;
export const PULUMI_STAGE_BINARIES = [...PULUMI_BINARIES, ...CONTROL_PLANE_BINARIES, ...ISSUER_BINARIES];
export const rootObjects = readObjects(join(GENERATED, 'argocd', 'root'));

/** Measured times of one test file, printed when it ends. */
export function stageTimings(file: string): <T>(what: string, f: () => Promise<T>) => Promise<T> {
  const timings: string[] = [];
  afterAll(() => {
    if (timings.length) process.stderr.write(`${file} timings:\n${timings.map((t) => `  ${t}`).join('\n')}\n`);
  });
  return async (what, f) => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings.push(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
}

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
export async function configureSecrets(stack: Stack, env: Environment, manifests: readonly Manifest[]): Promise<void> {
  await stack.setAllConfig(Object.fromEntries([...secretConfig(env, manifests)].map(([key, value]) => [key, { value, secret: true }])), true);
}

/** The context the plane's admin kubeconfig selects; the stack names it, as docs/pulumi.md asks. */
export function currentContext(kubeconfig: string): string {
  const context = (yaml.load(readFileSync(kubeconfig, 'utf8')) as { 'current-context'?: string })['current-context'];
  if (!context) throw new Error(`${kubeconfig} has no current-context`);
  return context;
}

/** A control plane prepared as one cluster is before its environments arrive. */
export interface PreparedCluster {
  readonly plane: ControlPlane;
  readonly api: KubeApi;
  /** The environments of the cluster the plane stands for, as the model renders them. */
  readonly members: readonly RenderedEnvironment[];
  /** Stops what runs against the plane (last started, first stopped), then the plane. */
  stop(): Promise<void>;
}

/** One environment's stack on a prepared cluster. */
export interface EnvironmentStack {
  readonly env: Environment;
  readonly manifests: readonly Manifest[];
  readonly sandbox: PulumiSandbox;
  readonly stack: Stack;
}

/**
 * A fresh control plane prepared as the cluster of the environments `names` (which must share one)
 * is before they arrive: the add-ons' CRDs and namespaces, the cluster's configuration synced as
 * Argo CD syncs it (storage classes, ClusterIssuers...), cert-manager and External Secrets running
 * (./issuers.ts), the EBS volume provisioner and the left-out controllers' conditions played by the
 * test.
 */
export async function prepareCluster(names: readonly string[]): Promise<PreparedCluster> {
  const members = await Promise.all(
    names.map(async (name) => {
      const env = loadEnvironment(join(REPO_ROOT, 'environments'), name);
      return { env, manifests: (await renderEnvironment(env)).map((f) => f.manifest) };
    }),
  );
  const clusters = [...new Set(members.map((m) => m.env.gitops.cluster.name))];
  if (clusters.length !== 1) throw new Error(`${names.join(', ')} are not on one cluster (${clusters.join(', ')})`);
  const { server, name: clusterName } = members[0]!.env.gitops.cluster;
  const plane = await startControlPlane();
  const stops: (() => Promise<void>)[] = [() => plane.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    installCrds(plane);
    const api = new KubeApi(plane.kubeconfig);
    const prepared = await syncObjects(api, addOnNamespaces(rootObjects, server), { waitHealthy: false });
    stops.push(...provisionersOf(rootObjects, server).map((p) => startStandInProvisioner(api, p)));
    stops.push(startConditionStandIn(api));
    // The cluster's configuration less the issuers and stores the stand-ins take the place of
    // (their ACME and AWS specs cannot work offline).
    const replaced = new Set(issuerStandIns(members).map((o) => `${o.kind}/${o.metadata.name}`));
    const configuration = readObjects(join(GENERATED, 'argocd', 'clusters', clusterName)).filter((o) => !replaced.has(`${kindOf(o)}/${nameOf(o)}`));
    const clusterSync = await syncObjects(api, configuration);
    const refused = [...prepared.rejected, ...clusterSync.rejected].map(showRejection);
    if (refused.length) throw new Error(`the cluster configuration was refused:\n${refused.join('\n')}`);
    const issuers: RunningIssuers = await startIssuers(plane, { rendered: members });
    stops.push(() => issuers.stop());
    return { plane, api, members, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The sandbox with environment `name` of `cluster` switched to `delivery: pulumi` on its plane, and
 * its stack configured as docs/pulumi.md says. `remove()` of the sandbox deletes it.
 */
export async function environmentStack(cluster: PreparedCluster, name: string, binaries: Readonly<Record<string, string>>): Promise<EnvironmentStack> {
  const member = cluster.members.find((m) => m.env.name === name);
  if (!member) throw new Error(`${name} is not an environment of the prepared cluster`);
  const sandbox = await pulumiSandbox(sandboxBinaries(binaries), name, cluster.plane.server);
  try {
    const stack = await sandbox.stack(name);
    await stack.setAllConfig({
      awsResources: { value: 'external' },
      kubeconfig: { value: cluster.plane.kubeconfig },
      kubeContext: { value: currentContext(cluster.plane.kubeconfig) },
    });
    await configureSecrets(stack, member.env, member.manifests);
    return { ...member, sandbox, stack };
  } catch (e) {
    sandbox.remove();
    throw e;
  }
}

/** The sandbox's binaries among those describeWithBinaries found. */
export function sandboxBinaries(paths: Readonly<Record<string, string>>): Record<PulumiBinary, string> {
  return Object.fromEntries(PULUMI_BINARIES.map((b) => [b, paths[b]!])) as Record<PulumiBinary, string>;
}

/** Objects of the live namespace, by `Kind/name`, of the kinds the rendering has there. */
export async function liveNames(api: KubeApi, manifests: readonly Manifest[], namespace: string): Promise<Set<string>> {
  const kinds = new Map(manifests.filter((m) => m.metadata.namespace === namespace).map((m) => [`${m.apiVersion} ${m.kind}`, m]));
  const out = new Set<string>();
  for (const m of kinds.values()) for (const o of await api.list(m.apiVersion, m.kind, namespace)) out.add(`${m.kind}/${nameOf(o as K8sObject)}`);
  return out;
}

/**
 * Argo CD delivery of every environment, rendered into `generated/argocd/`:
 *
 * - `root/`: what the root Application (app of apps) syncs into Argo CD's namespace: three
 *   AppProjects (environments, add-ons, and the root's own, the only one that reaches Argo CD's
 *   namespace and only for Applications and AppProjects), one Application per environment (`generated/<env>`), the cluster add-ons as
 *   Applications of their pinned upstream charts, and one `cluster-config-<cluster>` Application
 *   per destination cluster. The root Application manages itself after a one-time bootstrap.
 * - `clusters/<cluster>/`: objects of the add-ons that belong to our environments
 *   (stacks/cluster-config.ts).
 *
 * App of apps rather than an ApplicationSet: each environment differs in sync policy and revision
 * (automated on `main` in dev, manual on a tag in prod), and rendered Applications show those
 * differences in review and in `npm run diff` instead of hiding them in generator templates.
 *
 * Which add-ons a cluster gets follows from what its environments render: an add-on is declared
 * exactly when an object needs it (cert-manager for a Certificate, CloudNativePG for a Cluster,
 * the Prometheus Operator CRDs for a ServiceMonitor), and a custom resource with no add-on is an
 * error, not a failed sync (stacks/add-ons.ts, stacks/add-on-selection.ts).
 */
import { App, Chart } from 'cdk8s';
import type { GroupKind } from '../constructs/argocd-app-project.ts';
import { ArgoApplication, chartSourceURL, type SyncPolicy } from '../constructs/argocd-application.ts';
import { ArgoHelmAddOn } from '../constructs/argocd-helm-add-on.ts';
import type { Environment } from '../environments/schema/index.ts';
import { apiGroupOf } from '../kube/api-version.ts';
import { CLUSTER_SCOPED_KINDS } from '../kube/cluster-scoped.ts';
import type { Manifest } from '../kube/object.ts';
import type { ClusterUsage } from './add-on.ts';
import { addOnsNeeded } from './add-on-selection.ts';
import { addOnOf } from './add-ons.ts';
import { ADD_ON_PROJECT, declareProjects, ENV_PROJECT, IN_CLUSTER, ROOT_PROJECT } from './argocd-projects.ts';
import { buildClusterConfig } from './cluster-config.ts';
import { clusterUsage } from './cluster-usage.ts';
import type { Dependency } from './dependency.ts';
import { syncPolicyOf } from './environment-sync-policy.ts';
import { agreed } from './environments-agree.ts';
import { manifestsOf, toYaml, type RenderedEnvironment, type RenderedFile } from './render.ts';
import { applySyncWaves } from './sync-waves.ts';
import { validateManifest } from './validate.ts';

/** Top-level directory of `generated/` holding the Argo CD objects. */
export const GITOPS_GROUP = 'argocd';
/**
 * What a person applies once to start delivery (docs/gitops.md, "Bootstrap"), in this order, as
 * paths under `generated/`: the root Application's own AppProject, then the root Application. Argo
 * CD does not reconcile an Application whose project does not exist (`InvalidSpecError`), and the
 * project is among what the root syncs, so the root applied alone never starts (found by
 * test/cluster/argo-cd.cluster.test.ts, which bootstraps from this list).
 */
export const BOOTSTRAP_FILES: readonly string[] = [`${GITOPS_GROUP}/root/appproject-${ROOT_PROJECT}.yaml`, `${GITOPS_GROUP}/root/application-${ENV_PROJECT}-root.yaml`];

export interface GitOpsInput {
  readonly envs: readonly Environment[];
  /** Each environment's objects and the facts its tiers reported, by environment name. */
  readonly rendered: ReadonlyMap<string, RenderedEnvironment>;
}

/**
 * The Application that delivers `env` in `gitops` delivery: the name buildGitOps gives it, in the
 * one Argo CD instance's namespace. The Pulumi switch-over names it from here (stacks/pulumi/switch-over.ts).
 */
export function environmentApplication(env: Environment): { readonly name: string; readonly namespace: string } {
  return { name: `${ENV_PROJECT}-${env.name}`, namespace: env.gitops.argoNamespace };
}

/** The Argo CD objects, as plain manifests with their paths under `generated/`; pure. */
export function buildGitOps(input: GitOpsInput): { path: string; manifest: Manifest }[] {
  const { envs, rendered } = input;
  if (envs.length === 0) throw new Error('no environments to deliver');
  const argoNamespace = agreed(envs, 'gitops.argoNamespace (one Argo CD instance delivers every environment)', (e) => e.gitops.argoNamespace);
  const repoURL = agreed(envs, 'gitops.repoURL', (e) => e.gitops.repoURL);
  const nonProd = envs.filter((e) => !e.production);
  // The root follows the branch non-production environments track: merging to it updates every
  // Application, including which tag production is pinned to; production still syncs by hand.
  const rootRevision = agreed(nonProd.length ? nonProd : envs, 'gitops.targetRevision of non-production environments', (e) => e.gitops.targetRevision);

  const clusters = new Map<string, Environment[]>();
  for (const e of envs) clusters.set(e.gitops.cluster.name, [...(clusters.get(e.gitops.cluster.name) ?? []), e]);
  for (const [name, members] of clusters) agreed(members, `the server of cluster ${name}`, (e) => e.gitops.cluster.server);

  const out: { path: string; manifest: Manifest }[] = [];
  const rootChart = new Chart(new App(), 'argocd', { namespace: argoNamespace, disableResourceNameHashes: true });
  const extra: { from: string; to: string; reason: string }[] = [];
  const addOnSources = new Set<string>();
  // Not Argo CD's namespace: only the root project may write there (Applications and AppProjects).
  const addOnDestinations: { server: string; namespace: string }[] = [];
  const clusterKinds: GroupKind[] = [];
  const esoNamespace = addOnOf('external-secrets').namespace;

  for (const [clusterName, members] of [...clusters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const server = members[0]!.gitops.cluster.server;
    const manifests = members.flatMap((e) => rendered.get(e.name)?.manifests ?? []);
    const prodMember = members.find((e) => e.production);
    const addOnSync: SyncPolicy = prodMember ? { automated: false } : { automated: true, prune: true, selfHeal: true };
    const clusterRevision = agreed(members, `gitops.targetRevision of the environments on cluster ${clusterName}`, (e) => e.gitops.targetRevision);

    const config = buildClusterConfig(clusterName, members, members.flatMap((e) => rendered.get(e.name)?.facts ?? []));
    for (const namespace of config.namespaces) addOnDestinations.push({ server, namespace });
    const allUsage = clusterUsage(members, [...manifests, ...config.manifests]);
    const needed = addOnsNeeded(clusterName, allUsage);

    const addOnNames = new Map<string, string>();
    for (const addOn of needed) {
      const name = `${addOn.key}-${clusterName}`;
      addOnNames.set(addOn.key, name);
      new ArgoHelmAddOn(rootChart, name, {
        name,
        argoNamespace,
        project: ADD_ON_PROJECT,
        chart: addOn.chart,
        server,
        namespace: addOn.namespace,
        values: addOn.values(allUsage),
        provides: addOn.provides,
        ...(addOn.capabilities ? { capabilities: addOn.capabilities } : {}),
        cluster: clusterName,
        skipCrds: addOn.skipCrds,
        sync: addOnSync,
      });
      addOnSources.add(chartSourceURL(addOn.chart));
      addOnDestinations.push({ server, namespace: addOn.namespace });
      for (const namespace of addOn.extraNamespaces ?? []) addOnDestinations.push({ server, namespace });
      clusterKinds.push(...(addOn.clusterKinds ?? []));
    }
    // `requires` is always installed with the add-on; `after` only orders against what is installed.
    for (const addOn of needed) {
      for (const dep of [...(addOn.after ?? []), ...(addOn.requires ?? [])]) {
        if (addOnNames.has(dep)) extra.push({ from: addOnNames.get(addOn.key)!, to: addOnNames.get(dep)!, reason: `needs ${dep}` });
      }
    }
    const configName = `cluster-config-${clusterName}`;
    new ArgoApplication(rootChart, configName, {
      name: configName,
      namespace: argoNamespace,
      project: ADD_ON_PROJECT,
      source: { repoURL, targetRevision: clusterRevision, path: `generated/${GITOPS_GROUP}/clusters/${clusterName}` },
      destination: { server, namespace: esoNamespace },
      sync: addOnSync,
    });
    // An Application waits for the add-ons its own objects need, found the same way as `needed`.
    const dependsOnAddOns = (from: string, own: ClusterUsage) => {
      for (const addOn of needed) if (addOn.neededBy(own)) extra.push({ from, to: addOnNames.get(addOn.key)!, reason: `needs ${addOn.key}` });
    };
    dependsOnAddOns(configName, clusterUsage(members, config.manifests));
    for (const m of config.manifests) {
      out.push({ path: `${GITOPS_GROUP}/clusters/${clusterName}/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`, manifest: m });
      if (CLUSTER_SCOPED_KINDS.has(m.kind)) clusterKinds.push({ group: apiGroupOf(m.apiVersion), kind: m.kind });
    }
    addOnDestinations.push({ server, namespace: esoNamespace });

    for (const e of members) {
      // `pulumi up` applies this environment's objects; an Application too would have Argo CD and
      // Pulumi fight over them. The cluster's add-ons above are still Argo CD's to install.
      if (e.delivery === 'pulumi') continue;
      const appName = environmentApplication(e).name;
      new ArgoApplication(rootChart, appName, {
        name: appName,
        namespace: argoNamespace,
        project: ENV_PROJECT,
        source: { repoURL, targetRevision: e.gitops.targetRevision, path: `generated/${e.name}` },
        destination: { server, namespace: e.namespace },
        sync: syncPolicyOf(e),
        labels: { 'agent-platform.io/environment': e.name },
      });
      dependsOnAddOns(appName, clusterUsage([e], rendered.get(e.name)?.manifests ?? []));
      extra.push({ from: appName, to: configName, reason: 'reads its ClusterSecretStore and ClusterIssuer' });
    }
  }

  declareProjects(rootChart, {
    argoNamespace,
    repoURL,
    envs,
    envManifests: envs.flatMap((e) => rendered.get(e.name)?.manifests ?? []),
    addOnSources,
    addOnDestinations,
    addOnClusterKinds: clusterKinds,
  });
  new ArgoApplication(rootChart, 'root', {
    name: `${ENV_PROJECT}-root`,
    namespace: argoNamespace,
    project: ROOT_PROJECT,
    source: { repoURL, targetRevision: rootRevision, path: `generated/${GITOPS_GROUP}/root` },
    destination: { server: IN_CLUSTER, namespace: argoNamespace },
    // Pruning an Application here removes only the Application: none carries the cascade
    // finalizer, so a deleted environment's objects stay until someone removes them on purpose.
    sync: { automated: true, prune: true, selfHeal: true },
  });

  const rootManifests = manifestsOf(rootChart);
  const byName = new Map(rootManifests.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
  const deps: Dependency[] = extra.map((d) => ({ from: byName.get(`Application/${d.from}`)!, to: byName.get(`Application/${d.to}`)!, reason: d.reason }));
  applySyncWaves(rootManifests, deps);
  for (const m of rootManifests) out.push({ path: `${GITOPS_GROUP}/root/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`, manifest: m });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The files of `generated/argocd/`, each validated against its CRD schema, from each environment's
 * objects and facts as its rendering returned them (by environment name; never regrouped from file
 * paths).
 */
export async function renderGitOps(envs: readonly Environment[], rendered: GitOpsInput['rendered']): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  const seen = new Set<string>();
  for (const { path, manifest } of buildGitOps({ envs, rendered })) {
    if (seen.has(path)) throw new Error(`generated/${path}: two objects render to this file (${manifest.kind} ${manifest.metadata.name})`);
    seen.add(path);
    await validateManifest(manifest, `generated/${path} (${manifest.kind} ${manifest.metadata.name})`);
    files.push({ path, content: toYaml(manifest, '*'), manifest });
  }
  return files;
}

/**
 * The three Argo CD AppProjects of the root: the environments' (exactly the kinds they render), the
 * add-ons' (their charts and per-cluster configuration, never Argo CD's namespace), and the root's
 * own, the only one that reaches Argo CD's namespace, and only for Applications and AppProjects.
 */
import type { Chart } from 'cdk8s';
import { ArgoAppProject, type GroupKind } from '../constructs/argocd-app-project.ts';
import type { Environment } from '../environments/schema/index.ts';
import { apiGroupOf } from '../kube/api-version.ts';
import { CLUSTER_SCOPED_KINDS } from '../kube/cluster-scoped.ts';
import type { Manifest } from '../kube/object.ts';

export const ENV_PROJECT = 'agent-platform';
export const ADD_ON_PROJECT = 'platform-add-ons';
/** The root Application's project: Applications and AppProjects in Argo CD's namespace, nothing else. */
export const ROOT_PROJECT = 'platform-root';
/** How Argo CD names the cluster it runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface ProjectsProps {
  readonly argoNamespace: string;
  readonly repoURL: string;
  readonly envs: readonly Environment[];
  /** Everything the environments render. */
  readonly envManifests: readonly Manifest[];
  /** Chart repositories of the installed add-ons. */
  readonly addOnSources: ReadonlySet<string>;
  /** Where the add-ons and their configuration write. */
  readonly addOnDestinations: readonly { server: string; namespace: string }[];
  /** Cluster-scoped kinds the add-ons' charts and configuration create beyond the usual ones. */
  readonly addOnClusterKinds: readonly GroupKind[];
}

/** Kinds, sorted and unique, of manifests. */
function kindsOf(manifests: readonly Manifest[]): GroupKind[] {
  return [...new Map(manifests.map((m) => [`${apiGroupOf(m.apiVersion)}/${m.kind}`, { group: apiGroupOf(m.apiVersion), kind: m.kind }])).values()];
}

export function declareProjects(chart: Chart, p: ProjectsProps): void {
  new ArgoAppProject(chart, 'env-project', {
    name: ENV_PROJECT,
    namespace: p.argoNamespace,
    description: 'The agent platform environments rendered into generated/<env>.',
    sourceRepos: [p.repoURL],
    destinations: p.envs.map((e) => ({ server: e.gitops.cluster.server, namespace: e.namespace })),
    // Exactly the kinds the environments render: a new kind is a reviewed change to this list.
    clusterResources: kindsOf(p.envManifests.filter((m) => CLUSTER_SCOPED_KINDS.has(m.kind))),
    namespaceResources: kindsOf(p.envManifests.filter((m) => !CLUSTER_SCOPED_KINDS.has(m.kind))),
  });
  const addOnCluster: GroupKind[] = [
    ...['ClusterRole', 'ClusterRoleBinding'].map((kind) => ({ group: 'rbac.authorization.k8s.io', kind })),
    ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map((kind) => ({ group: 'admissionregistration.k8s.io', kind })),
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: '', kind: 'Namespace' },
    ...p.addOnClusterKinds,
  ];
  new ArgoAppProject(chart, 'add-on-project', {
    name: ADD_ON_PROJECT,
    namespace: p.argoNamespace,
    description: 'Cluster add-ons (pinned upstream charts) and their per-cluster configuration; never Argo CD\'s own namespace.',
    sourceRepos: [p.repoURL, ...p.addOnSources],
    destinations: [...p.addOnDestinations],
    clusterResources: addOnCluster,
  });
  new ArgoAppProject(chart, 'root-project', {
    name: ROOT_PROJECT,
    namespace: p.argoNamespace,
    description: 'The root Application: the Applications and AppProjects under generated/argocd/root, and nothing else in Argo CD\'s namespace.',
    sourceRepos: [p.repoURL],
    destinations: [{ server: IN_CLUSTER, namespace: p.argoNamespace }],
    // Argo CD's Secrets, argocd-cm and argocd-rbac-cm stay out of reach of a merge to main.
    namespaceResources: ['Application', 'AppProject'].map((kind) => ({ group: 'argoproj.io', kind })),
  });
}

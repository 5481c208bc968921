/**
 * What a cluster add-on is to the GitOps stack: its pinned chart, namespace, the API groups and
 * capabilities it provides, and when a cluster needs it (read from what the cluster's environments
 * render). The add-ons themselves are listed in stacks/add-ons.ts and stacks/cluster-add-ons.ts.
 */
import type { GroupKind } from '../constructs/argocd-app-project.ts';
import type { PinnedChart } from '../constructs/versions.ts';
import type { Capability } from '../policies/cluster.ts';

/** What the environments deployed to one cluster render, as far as add-ons care. */
export interface ClusterUsage {
  /** API groups of the custom resources rendered for the cluster. */
  readonly groups: ReadonlySet<string>;
  /** GatewayClass names the Gateways use. */
  readonly gatewayClasses: ReadonlySet<string>;
  /** IAM role cert-manager assumes (IRSA) for DNS-01 in Route 53, agreed by the cluster's environments. */
  readonly certManagerRoleArn?: string;
  /** Whether a production environment runs on the cluster (add-ons then sync by hand too). */
  readonly production: boolean;
  /** Name of the cluster, for messages. */
  readonly cluster: string;
  /** What the objects need of the cluster besides CRDs (policies/cluster.ts): an API, a provisioner, a controller. */
  readonly needs: ReadonlySet<string>;
  /** IAM role of the EBS CSI driver's controller (`gitops.storage.ebsCsiRoleArn`), when set. */
  readonly ebsCsiRoleArn?: string;
}

/** One cluster add-on: its chart, namespace, the API groups it serves, and when it is needed. */
export interface AddOn {
  readonly key: string;
  readonly chart: PinnedChart;
  readonly namespace: string;
  readonly provides: readonly string[];
  /** What it gives the cluster besides CRDs, e.g. the metrics API. @default [] */
  readonly capabilities?: readonly Capability[];
  /** Cluster-scoped kinds its chart creates beyond the RBAC, webhook and CRD kinds every add-on may. @default [] */
  readonly clusterKinds?: readonly GroupKind[];
  /** Namespaces its chart writes into besides its own (e.g. a RoleBinding in kube-system). @default [] */
  readonly extraNamespaces?: readonly string[];
  /** Keys of add-ons whose resources its chart creates (it syncs after them, when they are installed). @default [] */
  readonly after?: readonly string[];
  readonly neededBy: (usage: ClusterUsage) => boolean;
  readonly values: (usage: ClusterUsage) => Record<string, unknown>;
  /** Keys of add-ons this one needs installed first (installed with it, synced before it). @default [] */
  readonly requires?: readonly string[];
  /** The chart's CRDs come from another add-on (Argo CD `skipCrds`). @default false */
  readonly skipCrds?: boolean;
}

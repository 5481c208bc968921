/**
 * An Argo CD `AppProject`: the fence around a set of Applications. It names the repositories they
 * may sync from, the clusters and namespaces they may deploy to, and the kinds they may create, so
 * a commit to `generated/` cannot install a ClusterRoleBinding or write into `kube-system`.
 */
import { CustomResource } from './custom-resource.ts';
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/** An API group and kind; `group: ''` is the core group. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface ArgoAppProjectProps {
  /** Name of the AppProject; Applications refer to it by this name. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  readonly description: string;
  /** Repositories (git or Helm) Applications of the project may use. At least one. */
  readonly sourceRepos: readonly string[];
  /** Cluster API servers and namespaces Applications may deploy to. At least one. */
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  /**
   * Cluster-scoped kinds Applications may create.
   * @default - none: only namespaced objects
   */
  readonly clusterResources?: readonly GroupKind[];
  /**
   * Namespaced kinds Applications may create.
   * @default - every namespaced kind
   */
  readonly namespaceResources?: readonly GroupKind[];
}

export class ArgoAppProject extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoAppProjectProps) {
    super(scope, id);
    if (props.sourceRepos.length === 0) throw new Error(`ArgoAppProject ${props.name}: sourceRepos is empty (an AppProject without sources can sync nothing)`);
    if (props.destinations.length === 0) throw new Error(`ArgoAppProject ${props.name}: destinations is empty`);
    const wildcard = props.sourceRepos.find((r) => r === '*') ?? props.destinations.find((d) => d.server === '*' || d.namespace === '*');
    if (wildcard) throw new Error(`ArgoAppProject ${props.name}: wildcard source or destination ${JSON.stringify(wildcard)} (a project is a fence; name what it allows)`);
    this.name = props.name;
    const sortKinds = (list: readonly GroupKind[]) =>
      [...new Map(list.map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }])).values()].sort((a, b) =>
        `${a.group}/${a.kind}` < `${b.group}/${b.kind}` ? -1 : 1,
      );
    new CustomResource<IAppProject>(this, 'app-project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: props.name, namespace: props.namespace, labels: componentLabels(props.name, 'gitops') },
      spec: {
        description: props.description,
        sourceRepos: [...new Set(props.sourceRepos)].sort(),
        destinations: [...new Map(props.destinations.map((d) => [`${d.server} ${d.namespace}`, { server: d.server, namespace: d.namespace }])).values()].sort(
          (a, b) => (`${a.server} ${a.namespace}` < `${b.server} ${b.namespace}` ? -1 : 1),
        ),
        clusterResourceWhitelist: sortKinds(props.clusterResources ?? []),
        namespaceResourceWhitelist: props.namespaceResources ? sortKinds(props.namespaceResources) : [{ group: '*', kind: '*' }],
        // Objects in a destination namespace that no Application owns show up as warnings.
        orphanedResources: { warn: true },
      },
    });
  }
}

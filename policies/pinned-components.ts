/**
 * Every pinned component a rendered object runs or installs, with the field that names it: the
 * images of its pod template, a CloudNativePG Cluster's operand image, the charts of an Argo CD
 * Application, Argo CD itself for the AppProjects it serves, and the Kubernetes release a namespace's
 * Pod Security version label says the output was written for. Shared by the two support rules.
 */
import { apiGroupOf } from '../kube/api-version.ts';
import { arr, at, eachContainer, kindOf, str, WORKLOAD_KINDS } from './objects.ts';
import { pinned, type PinnedComponent } from './support-windows.ts';
import type { K8sObject } from './types.ts';

export interface PinnedUse {
  readonly path: string;
  readonly component: PinnedComponent;
}

/** Kinds that name pinned components. */
export const PINNED_KINDS: readonly string[] = [...WORKLOAD_KINDS, 'Cluster', 'Application', 'AppProject', 'Namespace'];

/** The label whose `vMAJOR.MINOR` names the Kubernetes release a namespace's pods are admitted by. */
const POD_SECURITY_VERSION = 'pod-security.kubernetes.io/enforce-version';

export function pinnedUses(o: K8sObject): PinnedUse[] {
  const index = pinned();
  const out: PinnedUse[] = [];
  const kind = kindOf(o);
  if (WORKLOAD_KINDS.includes(kind)) {
    out.push(
      ...eachContainer(o, (c) => {
        const component = index.image(str(c.container['image']) ?? '');
        return component ? { path: `${c.path}.image`, component } : undefined;
      }),
    );
  } else if (kind === 'Cluster' && apiGroupOf(o.apiVersion) === 'postgresql.cnpg.io') {
    const component = index.image(str(at(o, 'spec', 'imageName')) ?? '');
    if (component) out.push({ path: 'spec.imageName', component });
  } else if (kind === 'Application' && apiGroupOf(o.apiVersion) === 'argoproj.io') {
    const sources: [string, unknown][] = [['spec.source', at(o, 'spec', 'source')], ...arr(at(o, 'spec', 'sources')).map((s, i): [string, unknown] => [`spec.sources[${i}]`, s])];
    for (const [path, s] of sources) {
      const chart = str(at(s, 'chart'));
      if (chart === undefined) continue;
      out.push({ path: `${path}.targetRevision`, component: index.chart(str(at(s, 'repoURL')) ?? '', chart, str(at(s, 'targetRevision')) ?? '') });
    }
  } else if (kind === 'AppProject' && apiGroupOf(o.apiVersion) === 'argoproj.io') {
    out.push({ path: 'apiVersion', component: index.argoCd });
  } else if (kind === 'Namespace' && o.apiVersion === 'v1') {
    // `latest` follows whatever the cluster runs: no release to check.
    const version = str(at(o, 'metadata', 'labels', POD_SECURITY_VERSION));
    if (version !== undefined && version !== 'latest') out.push({ path: `metadata.labels["${POD_SECURITY_VERSION}"]`, component: index.kubernetes(version) });
  }
  return out;
}

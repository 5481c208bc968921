import { claimsOf } from '../cluster.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'storage-class-declared',
  category: 'references',
  description: 'Every volume claim must name a StorageClass that its cluster’s configuration declares, with a provisioner an add-on of the cluster installs.',
  rationale: 'A claim naming a class nobody declared stays Pending forever, and one naming none gets whatever the cluster defaults to (on EKS the unencrypted in-tree gp2, or nothing); the claim, its StatefulSet and the operator resource all look valid on their own.',
  severity: 'error',
  kinds: ['PersistentVolumeClaim', 'StatefulSet', 'Deployment', 'DaemonSet', 'Job', 'CronJob', 'Cluster', 'Prometheus', 'Alertmanager', 'Elasticsearch'],
  scope: 'set',
  check: (o, set) => {
    const out: Violation[] = [];
    for (const c of claimsOf(o)) {
      if (c.storageClass === undefined) {
        out.push({ path: c.path, message: 'the claim names no StorageClass; expected one the cluster declares (environment data: storageClass, or gitops.storage.defaultClass)' });
        continue;
      }
      const problem = set.cluster?.storageClassProblem(c.storageClass);
      if (problem) out.push({ path: c.path, message: `${problem}; expected a StorageClass in the cluster's configuration (generated/argocd/clusters/<cluster>/) and its provisioner's add-on` });
    }
    return out;
  },
};

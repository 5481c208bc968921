import { kindOf, nameOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'multi-replica-in-prod',
  category: 'reliability',
  description: 'In production, Deployments and StatefulSets must run at least 2 replicas (counting an autoscaler’s minReplicas).',
  rationale: 'One replica means every node drain, eviction or crash is an outage; the service goal is 99.9 % availability and recovery under 5 minutes.',
  severity: { production: 'error', other: 'off' },
  kinds: ['Deployment', 'StatefulSet'],
  scope: 'set',
  check: (o, set) => {
    const n = set.minReplicasOf(o);
    if (n >= 2) return [];
    const hpa = set.autoscalerOf(o);
    return [
      hpa
        ? { path: 'spec.replicas', message: `${kindOf(o)} ${nameOf(o)} can scale down to ${n} replica(s) (HorizontalPodAutoscaler ${nameOf(hpa)} minReplicas); expected at least 2` }
        : { path: 'spec.replicas', message: `${kindOf(o)} ${nameOf(o)} runs ${n} replica(s); expected at least 2` },
    ];
  },
};

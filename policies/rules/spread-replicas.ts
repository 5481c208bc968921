import { arr, at, kindOf, nameOf, podTemplateOf, str } from '../objects.ts';
import type { Rule } from '../types.ts';

const HOSTNAME = 'kubernetes.io/hostname';

export const rule: Rule = {
  id: 'spread-replicas',
  category: 'reliability',
  description: 'Replicated Deployments and StatefulSets must spread their pods across nodes (topologySpreadConstraints or pod anti-affinity on kubernetes.io/hostname).',
  rationale: 'The scheduler may otherwise pack every replica onto one node, and losing that node loses them all; replicas that share a node are not redundancy.',
  severity: { production: 'error', other: 'warning' },
  kinds: ['Deployment', 'StatefulSet'],
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t || set.minReplicasOf(o) < 2) return [];
    const spread = arr(t.spec['topologySpreadConstraints']).some((c) => str(at(c, 'topologyKey')) === HOSTNAME);
    const anti = ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'].some((f) =>
      arr(at(t.spec, 'affinity', 'podAntiAffinity', f)).some((term) => str(at(term, 'topologyKey') ?? at(term, 'podAffinityTerm', 'topologyKey')) === HOSTNAME),
    );
    return spread || anti ? [] : [{ path: `${t.path}.topologySpreadConstraints`, message: `${kindOf(o)} ${nameOf(o)} runs ${set.minReplicasOf(o)}+ replicas with no spread over ${HOSTNAME}; expected a topologySpreadConstraint or podAntiAffinity on it` }];
  },
};

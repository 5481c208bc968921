import { at, nameOf, namespaceOf, selects, showValue } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

function isZero(v: unknown): boolean {
  return v === 0 || v === '0' || v === '0%';
}

export const rule: Rule = {
  id: 'pdb-sane',
  category: 'reliability',
  description: 'A PodDisruptionBudget must set exactly one of minAvailable and maxUnavailable, and allow at least one disruption.',
  rationale: 'A budget that allows no disruption (maxUnavailable 0, minAvailable 100 % or ≥ the replicas) blocks every node drain and cluster upgrade until someone deletes it by hand (kube-score, Kyverno pdb-maxunavailable).',
  severity: 'error',
  kinds: ['PodDisruptionBudget'],
  scope: 'set',
  check: (o, set) => {
    const min = at(o, 'spec', 'minAvailable');
    const max = at(o, 'spec', 'maxUnavailable');
    if ((min === undefined) === (max === undefined)) {
      return [{ path: 'spec', message: `the budget sets ${min === undefined ? 'neither' : 'both'} minAvailable and maxUnavailable; expected exactly one` }];
    }
    if (max !== undefined) return isZero(max) ? [{ path: 'spec.maxUnavailable', message: `maxUnavailable is ${showValue(max)}, which blocks every drain; expected at least 1` }] : [];
    if (min === '100%') return [{ path: 'spec.minAvailable', message: 'minAvailable is "100%", which blocks every drain; expected fewer than all pods' }];
    if (typeof min !== 'number') return [];
    const ns = namespaceOf(o) ?? '';
    const out: Violation[] = [];
    for (const pod of set.podsIn(ns)) {
      if (!pod.template || !selects(at(o, 'spec', 'selector'), pod.labels)) continue;
      const replicas = set.minReplicasOf(pod.owner);
      if (min >= replicas) {
        out.push({ path: 'spec.minAvailable', message: `minAvailable ${min} with ${replicas} replica(s) of ${nameOf(pod.owner)} allows no disruption; expected minAvailable < ${replicas} or maxUnavailable: 1` });
      }
    }
    return out;
  },
};

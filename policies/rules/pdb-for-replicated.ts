import { kindOf, nameOf, podTemplateOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'pdb-for-replicated',
  category: 'reliability',
  description: 'Every Deployment or StatefulSet with 2 or more replicas must be covered by a PodDisruptionBudget.',
  rationale: 'Without a budget a node drain or cluster upgrade may evict every replica at once; replicas only buy availability if voluntary disruptions are limited.',
  severity: { production: 'error', other: 'warning' },
  kinds: ['Deployment', 'StatefulSet'],
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t || set.minReplicasOf(o) < 2 || set.budgetsFor(o, t.labels).length > 0) return [];
    return [{ path: `${t.path.replace(/\.spec$/, '')}.metadata.labels`, message: `no PodDisruptionBudget selects the pods of ${kindOf(o)} ${nameOf(o)}; expected one` }];
  },
};

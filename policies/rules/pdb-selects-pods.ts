import { at, isEmptySelector, namespaceOf, selects } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'pdb-selects-pods',
  category: 'references',
  description: 'A PodDisruptionBudget must select the pods of some workload in its namespace.',
  rationale: 'A budget whose selector matches nothing protects nothing, and nobody notices until a drain takes every replica down; an empty selector would instead cover every pod of the namespace.',
  severity: 'error',
  kinds: ['PodDisruptionBudget'],
  scope: 'set',
  check: (o, set) => {
    const selector = at(o, 'spec', 'selector');
    if (isEmptySelector(selector)) return [{ path: 'spec.selector', message: 'the budget has an empty selector, which covers every pod of the namespace; expected the labels of one workload' }];
    return set.podsIn(namespaceOf(o) ?? '').some((p) => selects(selector, p.labels))
      ? []
      : [{ path: 'spec.selector', message: `the selector ${JSON.stringify(selector)} matches no pods in namespace ${namespaceOf(o) ?? '(unspecified)'}; expected the labels of a workload's pods` }];
  },
};

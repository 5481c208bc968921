import { at, namespaceOf, rec, selects, str } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'service-selects-pods',
  category: 'references',
  description: 'A Service with a selector must select the pods of some workload (or operator-run pods) in its namespace.',
  rationale: 'A selector that matches nothing gives the Service no endpoints: clients get connection refused while every object looks fine (kube-linter dangling-service).',
  severity: 'error',
  kinds: ['Service'],
  scope: 'set',
  check: (o, set) => {
    const selector = rec(at(o, 'spec', 'selector'));
    if (!selector || str(at(o, 'spec', 'type')) === 'ExternalName') return [];
    const ns = namespaceOf(o) ?? '';
    if (Object.keys(selector).length === 0) return [{ path: 'spec.selector', message: 'the selector is empty and would select every pod; expected the labels of one workload' }];
    return set.podsIn(ns).some((p) => selects(selector, p.labels, true))
      ? []
      : [{ path: 'spec.selector', message: `the selector ${JSON.stringify(selector)} matches no pods in ${nsLabel(ns)}; expected the labels of a workload's pods` }];
  },
};

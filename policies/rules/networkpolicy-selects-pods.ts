import { arr, at, isEmptySelector, namespaceOf, selects } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'networkpolicy-selects-pods',
  category: 'references',
  description: 'A NetworkPolicy’s podSelector, and the podSelector of each same-namespace peer, must match some pods.',
  rationale: 'Selectors are plain label matches: a typo silently turns an allow rule into nothing (traffic blocked by the default deny) or leaves the intended pods unprotected. Peers in other namespaces are not checked, their pods are not in the set.',
  severity: 'error',
  kinds: ['NetworkPolicy'],
  scope: 'set',
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    const pods = set.podsIn(ns);
    const matches = (sel: unknown): boolean => pods.some((p) => selects(sel, p.labels));
    const out: Violation[] = [];
    const own = at(o, 'spec', 'podSelector');
    if (!isEmptySelector(own) && !matches(own)) out.push({ path: 'spec.podSelector', message: `podSelector ${JSON.stringify(own)} matches no pods in ${nsLabel(ns)}; expected the labels of a workload's pods` });
    for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
      arr(at(o, 'spec', dir)).forEach((r, i) =>
        arr(at(r, peers)).forEach((peer, j) => {
          const sel = at(peer, 'podSelector');
          if (sel === undefined || at(peer, 'namespaceSelector') !== undefined || isEmptySelector(sel) || matches(sel)) return;
          out.push({ path: `spec.${dir}[${i}].${peers}[${j}].podSelector`, message: `peer podSelector ${JSON.stringify(sel)} matches no pods in ${nsLabel(ns)}; expected the labels of a workload's pods` });
        }),
      );
    }
    return out;
  },
};

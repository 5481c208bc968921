import { arr, at, namespaceOf, rec, selects, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'service-target-ports',
  category: 'references',
  description: 'Each Service port’s targetPort must be a port the selected pods declare.',
  rationale: 'A targetPort nobody listens on (the guides map 80 to 8000 by number, then change the app port) gives endpoints that refuse connections; naming ports keeps the two ends in step.',
  severity: 'error',
  kinds: ['Service'],
  scope: 'set',
  check: (o, set) => {
    const selector = rec(at(o, 'spec', 'selector'));
    if (!selector || Object.keys(selector).length === 0) return [];
    const pods = set.podsIn(namespaceOf(o) ?? '').filter((p) => selects(selector, p.labels, true));
    if (pods.length === 0) return [];
    return arr(at(o, 'spec', 'ports')).flatMap((p, i): Violation[] => {
      const target = at(p, 'targetPort') ?? at(p, 'port');
      const key = String(target);
      const missing = pods.filter((pod) => !pod.ports.has(key));
      if (missing.length === 0) return [];
      const declared = [...new Set(missing.flatMap((m) => [...m.ports.keys()]))].join(', ') || 'none';
      return [{ path: `spec.ports[${i}].${at(p, 'targetPort') === undefined ? 'port' : 'targetPort'}`, message: `port ${str(at(p, 'name')) ?? i} targets ${JSON.stringify(target)}, which the selected pods do not declare (they declare ${declared}); expected one of those` }];
    });
  },
};

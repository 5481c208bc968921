import { pinnedUses, PINNED_KINDS } from '../pinned-components.ts';
import { daysBetween } from '../dates.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'component-supported',
  category: 'reliability',
  description: 'Every pinned component (image, chart, Argo CD, the Kubernetes release namespaces are labelled for) must have support data in constructs/versions.ts and be within its upstream end of support.',
  rationale: 'A release past its end of support gets no security or bug fixes, and an operator past it is untested on newer Kubernetes: the cluster runs on whatever was last published. Support data recorded beside each pin makes expiry a failing check instead of a surprise.',
  severity: 'error',
  kinds: PINNED_KINDS,
  scope: 'object',
  check: (o, set) => {
    const today = set.env.today;
    const out: Violation[] = [];
    for (const { path, component } of pinnedUses(o)) {
      if (!component.support) {
        out.push({ path, message: `${component.name} has no support data; expected it pinned in constructs/versions.ts with support: { endOfSupport: 'YYYY-MM-DD', source: '<url>' }` });
      } else if (today !== undefined && daysBetween(today, component.support.endOfSupport) <= 0) {
        out.push({ path, message: `${component.name} is past its end of support (${component.support.endOfSupport}, ${component.support.source}); expected a supported release in constructs/versions.ts` });
      }
    }
    return out;
  },
};

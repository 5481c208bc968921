import { pinnedUses, PINNED_KINDS } from '../pinned-components.ts';
import { daysBetween } from '../dates.ts';
import { SUPPORT_WARNING_DAYS } from '../support-windows.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'component-support-ending',
  category: 'reliability',
  description: `A pinned component whose end of support is ${SUPPORT_WARNING_DAYS} days away or less is reported, so it is upgraded before component-supported fails.`,
  rationale: 'An upgrade of an operator or a store needs planning and testing; hearing about it the day CI turns red is too late.',
  severity: 'warning',
  kinds: PINNED_KINDS,
  scope: 'object',
  check: (o, set) => {
    const today = set.env.today;
    if (today === undefined) return [];
    const out: Violation[] = [];
    for (const { path, component } of pinnedUses(o)) {
      if (!component.support) continue;
      const left = daysBetween(today, component.support.endOfSupport);
      if (left > 0 && left <= SUPPORT_WARNING_DAYS) {
        out.push({ path, message: `${component.name} reaches its end of support in ${left} day(s), on ${component.support.endOfSupport} (${component.support.source}); expected an upgrade in constructs/versions.ts before then` });
      }
    }
    return out;
  },
};

import { appContainersOf, LONG_RUNNING_KINDS, podTemplateOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'liveness-probe',
  category: 'reliability',
  description: 'Long-running containers should have a livenessProbe.',
  rationale: 'A deadlocked process that still holds its PID is never restarted without one; a warning, because a wrong liveness probe (one that checks dependencies) is worse than none.',
  severity: 'warning',
  kinds: LONG_RUNNING_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    return appContainersOf(t)
      .filter((c) => c.container['livenessProbe'] === undefined)
      .map((c) => ({ path: `${c.path}.livenessProbe`, message: `container "${c.name}" has no livenessProbe; expected one that checks the process itself` }));
  },
};

import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'hpa-bounds',
  category: 'reliability',
  description: 'A HorizontalPodAutoscaler must have 1 ≤ minReplicas < maxReplicas, at least one metric, and utilization targets between 1 and 100 %.',
  rationale: 'min = max is a fixed replica count in disguise, no metric means it never scales, and a target above 100 % scales only once pods exceed their requests (the production minimum of 2 is multi-replica-in-prod’s).',
  severity: 'error',
  kinds: ['HorizontalPodAutoscaler'],
  scope: 'object',
  check: (o) => {
    const out: Violation[] = [];
    const min = at(o, 'spec', 'minReplicas') ?? 1;
    const max = at(o, 'spec', 'maxReplicas');
    if (typeof min !== 'number' || min < 1) out.push({ path: 'spec.minReplicas', message: `minReplicas is ${JSON.stringify(min)}; expected ≥ 1` });
    if (typeof max !== 'number' || (typeof min === 'number' && max <= min)) out.push({ path: 'spec.maxReplicas', message: `maxReplicas is ${JSON.stringify(max)} with minReplicas ${JSON.stringify(min)}; expected maxReplicas > minReplicas` });
    const metrics = arr(at(o, 'spec', 'metrics'));
    if (metrics.length === 0) out.push({ path: 'spec.metrics', message: 'the autoscaler has no metrics; expected at least one (e.g. cpu utilization)' });
    metrics.forEach((m, i) => {
      const type = str(at(m, 'type')) ?? '';
      const field = type === 'Resource' ? 'resource' : type === 'ContainerResource' ? 'containerResource' : undefined;
      if (!field) return;
      const u = at(m, field, 'target', 'averageUtilization');
      if (str(at(m, field, 'target', 'type')) === 'Utilization' && !(typeof u === 'number' && u >= 1 && u <= 100)) {
        out.push({ path: `spec.metrics[${i}].${field}.target.averageUtilization`, message: `${str(at(m, field, 'name')) ?? 'resource'} utilization target is ${JSON.stringify(u)}; expected 1-100` });
      }
    });
    return out;
  },
};

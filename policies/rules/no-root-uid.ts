import { containerLabel, eachContainer, effectiveSecurity, showValue, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-root-uid',
  category: 'security',
  description: 'Containers must run as an explicit, non-zero runAsUser (on the container or the pod).',
  rationale:
    'runAsNonRoot alone cannot be verified for images whose USER is a name rather than a number (the pod fails to start), and uid 0 is root whatever runAsNonRoot says; an explicit uid also makes file ownership on volumes predictable.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c, t) => {
      const { value, path } = effectiveSecurity(t, c, 'runAsUser');
      if (typeof value === 'number' && value > 0) return undefined;
      return { path, message: `${containerLabel(c)} has runAsUser ${showValue(value)}; expected a uid > 0` };
    }),
};

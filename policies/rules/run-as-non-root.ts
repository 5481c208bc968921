import { containerLabel, eachContainer, effectiveSecurity, showValue, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'run-as-non-root',
  category: 'security',
  description: 'Containers must run with runAsNonRoot: true (on the container or the pod).',
  rationale: 'The kubelet then refuses to start an image whose user is root, so a rebuilt base image cannot silently bring root back (PSS restricted).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c, t) => {
      const { value, path } = effectiveSecurity(t, c, 'runAsNonRoot');
      return value === true ? undefined : { path, message: `${containerLabel(c)} has runAsNonRoot ${showValue(value)}; expected true` };
    }),
};

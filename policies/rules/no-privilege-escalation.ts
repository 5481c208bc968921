import { at, containerLabel, eachContainer, showValue, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-privilege-escalation',
  category: 'security',
  description: 'Containers must set allowPrivilegeEscalation: false.',
  rationale: 'Without it a setuid binary in the image can gain more privileges than the process started with; the restricted Pod Security Standard requires the explicit false.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const v = at(c.container, 'securityContext', 'allowPrivilegeEscalation');
      return v === false
        ? undefined
        : { path: `${c.path}.securityContext.allowPrivilegeEscalation`, message: `${containerLabel(c)} has allowPrivilegeEscalation ${showValue(v)}; expected false` };
    }),
};

import { at, containerLabel, eachContainer, showValue, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

const ALLOWED = new Set(['RuntimeDefault', 'Localhost']);

export const rule: Rule = {
  id: 'seccomp-runtime-default',
  category: 'security',
  description: 'Containers must run under the RuntimeDefault (or a Localhost) seccomp profile.',
  rationale: 'Kubernetes still defaults to Unconfined, which leaves every syscall reachable; RuntimeDefault blocks the ones container escapes typically use (PSS restricted).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c, t) => {
      const own = at(c.container, 'securityContext', 'seccompProfile', 'type');
      const type = own ?? at(t.spec, 'securityContext', 'seccompProfile', 'type');
      if (typeof type === 'string' && ALLOWED.has(type)) return undefined;
      const path = own !== undefined || at(t.spec, 'securityContext', 'seccompProfile') === undefined ? `${c.path}.securityContext.seccompProfile.type` : `${t.path}.securityContext.seccompProfile.type`;
      return { path, message: `${containerLabel(c)} has seccomp profile ${showValue(type)}; expected RuntimeDefault` };
    }),
};

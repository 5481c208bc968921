import { arr, at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

/** The only capability the restricted Pod Security Standard lets a container add back. */
const ALLOWED = new Set(['NET_BIND_SERVICE']);

export const rule: Rule = {
  id: 'no-added-capabilities',
  category: 'security',
  description: 'Containers may add back only NET_BIND_SERVICE.',
  rationale: 'Capabilities such as SYS_ADMIN or NET_ADMIN are most of root; binding a port below 1024 is the one need the restricted Pod Security Standard accepts.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      arr(at(c.container, 'securityContext', 'capabilities', 'add')).flatMap((cap, i) =>
        typeof cap === 'string' && ALLOWED.has(cap)
          ? []
          : [{ path: `${c.path}.securityContext.capabilities.add[${i}]`, message: `${containerLabel(c)} adds capability ${JSON.stringify(cap)}; expected only NET_BIND_SERVICE` }],
      ),
    ),
};

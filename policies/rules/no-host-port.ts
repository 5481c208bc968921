import { arr, at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-host-port',
  category: 'security',
  description: 'Containers must not bind host ports.',
  rationale: 'A hostPort opens the port on the node itself, outside Services and NetworkPolicies, and limits the workload to one pod per node (PSS baseline).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      arr(c.container['ports']).flatMap((p, i) => {
        const hp = at(p, 'hostPort');
        return typeof hp === 'number' && hp !== 0
          ? [{ path: `${c.path}.ports[${i}].hostPort`, message: `${containerLabel(c)} binds host port ${hp}; expected no hostPort (use a Service)` }]
          : [];
      }),
    ),
};

import { at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import { parseQuantity } from '../../kube/quantity.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'memory-limit',
  category: 'reliability',
  description: 'Containers must set a memory limit at least as large as their memory request.',
  rationale: 'Memory is not compressible: a container without a limit grows until the node runs out and the kernel kills whatever it picks, often a neighbour. A limit below the request is rejected by the API server.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const limit = at(c.container, 'resources', 'limits', 'memory');
      const path = `${c.path}.resources.limits.memory`;
      if (limit === undefined) return { path, message: `${containerLabel(c)} has no memory limit; expected resources.limits.memory` };
      const request = at(c.container, 'resources', 'requests', 'memory');
      const l = parseQuantity(limit);
      const r = parseQuantity(request);
      if (l === undefined) return { path, message: `${containerLabel(c)} has memory limit ${JSON.stringify(limit)}; expected a quantity such as 1Gi` };
      if (r !== undefined && l < r) return { path, message: `${containerLabel(c)} limits memory to ${String(limit)}, below its request ${String(request)}; expected limit ≥ request` };
      return undefined;
    }),
};

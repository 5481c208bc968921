import { at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'resource-requests',
  category: 'reliability',
  description: 'Containers must request cpu and memory.',
  rationale: 'The scheduler places pods by their requests; without them a node is overcommitted, the pod is first to be evicted (BestEffort), and an HPA has nothing to compute utilization from.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      ['cpu', 'memory'].flatMap((r): Violation[] =>
        at(c.container, 'resources', 'requests', r) === undefined ? [{ path: `${c.path}.resources.requests.${r}`, message: `${containerLabel(c)} requests no ${r}; expected resources.requests.${r}` }] : [],
      ),
    ),
};

import { at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-privileged',
  category: 'security',
  description: 'Containers must not run privileged.',
  rationale: 'A privileged container has every capability and the host devices: escaping it is escaping to the node (PSS baseline, kube-linter privileged-container).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      at(c.container, 'securityContext', 'privileged') === true
        ? { path: `${c.path}.securityContext.privileged`, message: `${containerLabel(c)} is privileged; expected privileged: false or unset` }
        : undefined,
    ),
};

import { arr, at, containerLabel, eachContainer, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'drop-all-capabilities',
  category: 'security',
  description: 'Containers must drop ALL Linux capabilities.',
  rationale: 'The runtime default set still includes e.g. NET_RAW and CHOWN; dropping ALL and adding back only what is needed is what the restricted Pod Security Standard requires.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      arr(at(c.container, 'securityContext', 'capabilities', 'drop')).includes('ALL')
        ? undefined
        : { path: `${c.path}.securityContext.capabilities.drop`, message: `${containerLabel(c)} does not drop ALL capabilities; expected capabilities.drop: [ALL]` },
    ),
};

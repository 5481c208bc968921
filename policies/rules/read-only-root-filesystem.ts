import { at, containerLabel, eachContainer, showValue, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'read-only-root-filesystem',
  category: 'security',
  description: 'Containers must set readOnlyRootFilesystem: true.',
  rationale: 'An attacker who gets code execution cannot drop tools or alter the application in place; writable paths are explicit emptyDir or PVC mounts (kube-linter no-read-only-root-fs, Polaris).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const v = at(c.container, 'securityContext', 'readOnlyRootFilesystem');
      return v === true
        ? undefined
        : { path: `${c.path}.securityContext.readOnlyRootFilesystem`, message: `${containerLabel(c)} has readOnlyRootFilesystem ${showValue(v)}; expected true` };
    }),
};

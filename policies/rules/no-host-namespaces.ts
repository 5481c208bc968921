import { podTemplateOf, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-host-namespaces',
  category: 'security',
  description: 'Pods must not share the host network, PID or IPC namespace.',
  rationale: 'hostNetwork bypasses NetworkPolicies and exposes node-local services; hostPID and hostIPC let a pod see and signal every process on the node (PSS baseline).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    return ['hostNetwork', 'hostPID', 'hostIPC']
      .filter((f) => t.spec[f] === true)
      .map((f) => ({ path: `${t.path}.${f}`, message: `the pod sets ${f}: true; expected false or unset` }));
  },
};

import { appContainersOf, podTemplateOf, WORKLOAD_KINDS } from '../objects.ts';
import { canonical, probeHandler } from '../probes.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'probes-differ',
  category: 'reliability',
  description: 'A container’s liveness and readiness probes must not check the same thing.',
  rationale:
    'Readiness answers "can I take traffic" (dependencies included); liveness answers "should I be restarted". When they are the same endpoint, a slow database makes every pod fail liveness and restart at once (kube-linter, the guides use /health for both).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    return appContainersOf(t).flatMap((c) => {
      const live = probeHandler(c.container['livenessProbe']);
      const ready = probeHandler(c.container['readinessProbe']);
      if (!live || !ready || live.type !== ready.type || canonical(live.value) !== canonical(ready.value)) return [];
      return [{ path: `${c.path}.livenessProbe.${live.type}`, message: `container "${c.name}" has identical liveness and readiness ${live.type} checks; expected liveness to check only that the process is alive (a tcpSocket probe, or an endpoint like /health/live)` }];
    });
  },
};

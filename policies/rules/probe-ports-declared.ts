import { arr, at, containerLabel, eachContainer, str, WORKLOAD_KINDS } from '../objects.ts';
import { probeHandler, probePort } from '../probes.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'probe-ports-declared',
  category: 'reliability',
  description: 'Probes must target a port the container declares (by name or number).',
  rationale: 'A probe on an undeclared port is usually a typo or a port that moved; it fails forever (restart loop) or, for a named port, is rejected at admission (kube-score container-ports-check).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const names = new Set<string>();
      const numbers = new Set<number>();
      for (const p of arr(c.container['ports'])) {
        const n = at(p, 'containerPort');
        if (typeof n === 'number') numbers.add(n);
        const name = str(at(p, 'name'));
        if (name) names.add(name);
      }
      return ['startupProbe', 'readinessProbe', 'livenessProbe'].flatMap((probe): Violation[] => {
        const port = probePort(c.container[probe]);
        if (port === undefined) return [];
        const ok = typeof port === 'number' ? numbers.has(port) : typeof port === 'string' && (names.has(port) || (/^\d+$/.test(port) && numbers.has(Number(port))));
        if (ok) return [];
        const h = probeHandler(c.container[probe])!;
        return [{ path: `${c.path}.${probe}.${h.type}.port`, message: `${containerLabel(c)} probes port ${JSON.stringify(port)}, which it does not declare; expected one of its ports (${[...names, ...numbers].join(', ') || 'none declared'})` }];
      });
    }),
};

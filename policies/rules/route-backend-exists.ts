import { arr, at, namespaceOf, str } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'route-backend-exists',
  category: 'references',
  description: 'Every HTTPRoute backend must be a rendered Service and one of its ports.',
  rationale: 'A route to a missing Service or port is accepted by the Gateway and answers 500 for every request; the route reports it only in its status (ResolvedRefs), which nobody reads before users do.',
  severity: 'error',
  kinds: ['HTTPRoute', 'GRPCRoute'],
  scope: 'set',
  check: (o, set) =>
    arr(at(o, 'spec', 'rules')).flatMap((r, i) =>
      arr(at(r, 'backendRefs')).flatMap((b, j): Violation[] => {
        const path = `spec.rules[${i}].backendRefs[${j}]`;
        const kind = str(at(b, 'kind')) ?? 'Service';
        const group = str(at(b, 'group')) ?? '';
        if (kind !== 'Service' || group !== '') return [];
        const ns = str(at(b, 'namespace')) ?? namespaceOf(o) ?? '';
        const name = str(at(b, 'name')) ?? '';
        const ports = set.servicePorts(ns, name);
        if (!ports) return [{ path: `${path}.name`, message: `backend Service ${name} is not rendered in ${nsLabel(ns)}; expected a Service of that name` }];
        const port = at(b, 'port');
        if (port === undefined) return [{ path: `${path}.port`, message: `backend Service ${name} is named without a port; expected one of ${ports.map((p) => p.port).join(', ')}` }];
        if (!ports.some((p) => p.port === port)) return [{ path: `${path}.port`, message: `Service ${name} has no port ${JSON.stringify(port)}; expected one of ${ports.map((p) => p.port).join(', ')}` }];
        return [];
      }),
    ),
};

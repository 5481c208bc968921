import { arr, at, namespaceOf, str } from '../objects.ts';
import { nsLabel } from '../pod-references.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { Rule, Violation } from '../types.ts';

function checkBackend(set: RenderedSet, ns: string, backend: unknown, path: string): Violation[] {
  const name = str(at(backend, 'service', 'name'));
  if (name === undefined) return [];
  const ports = set.servicePorts(ns, name);
  if (!ports) return [{ path: `${path}.service.name`, message: `backend Service ${name} is not rendered in ${nsLabel(ns)}; expected a Service of that name` }];
  const number = at(backend, 'service', 'port', 'number');
  const portName = at(backend, 'service', 'port', 'name');
  if (number !== undefined && !ports.some((p) => p.port === number)) return [{ path: `${path}.service.port.number`, message: `Service ${name} has no port ${JSON.stringify(number)}; expected one of ${ports.map((p) => p.port).join(', ')}` }];
  if (portName !== undefined && !ports.some((p) => p.name === portName)) return [{ path: `${path}.service.port.name`, message: `Service ${name} has no port named ${JSON.stringify(portName)}; expected one of ${ports.map((p) => p.name ?? p.port).join(', ')}` }];
  return [];
}

export const rule: Rule = {
  id: 'ingress-backend-exists',
  category: 'references',
  description: 'Every Ingress backend must be a rendered Service and one of its ports.',
  rationale: 'ingress-nginx answers 503 for a missing backend and logs it only in the controller; the Ingress object itself reports nothing.',
  severity: 'error',
  kinds: ['Ingress'],
  scope: 'set',
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    const out = at(o, 'spec', 'defaultBackend') === undefined ? [] : checkBackend(set, ns, at(o, 'spec', 'defaultBackend'), 'spec.defaultBackend');
    arr(at(o, 'spec', 'rules')).forEach((r, i) =>
      arr(at(r, 'http', 'paths')).forEach((p, j) => out.push(...checkBackend(set, ns, at(p, 'backend'), `spec.rules[${i}].http.paths[${j}].backend`))),
    );
    return out;
  },
};

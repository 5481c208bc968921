import { arr, at, namespaceOf, nameOf, nsLabel, str } from '../objects.ts';
import { gatewayParents } from '../gateway-parents.ts';
import type { Rule, Violation } from '../types.ts';

/** Gateway API hostname matching: exact, or a `*.` wildcard covering one or more labels. */
function intersects(a: string, b: string): boolean {
  const covers = (pattern: string, host: string) => pattern === host || (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
  return covers(a, b) || covers(b, a);
}

export const rule: Rule = {
  id: 'route-parent-accepted',
  category: 'references',
  description: 'Every HTTPRoute must attach to a rendered Gateway listener that accepts it: the listener exists, admits routes from the route’s namespace, and shares a hostname with the route.',
  rationale: 'A route its Gateway does not accept is simply not served: the Gateway keeps answering 404 and the reason is only in the route’s status (Accepted: False, NotAllowedByListeners or NoMatchingListenerHostname).',
  severity: 'error',
  kinds: ['HTTPRoute', 'GRPCRoute'],
  scope: 'set',
  check: (o, set) => {
    const routeNs = namespaceOf(o) ?? '';
    const hostnames = arr(at(o, 'spec', 'hostnames')).filter((h): h is string => typeof h === 'string');
    if (arr(at(o, 'spec', 'parentRefs')).length === 0) return [{ path: 'spec.parentRefs', message: `route ${nameOf(o)} names no parent, so no Gateway serves it; expected a parentRef to a Gateway listener` }];
    return gatewayParents(o, set).flatMap(({ index, namespace: ns, name, gateway, sectionName: section, listeners }): Violation[] => {
      const path = `spec.parentRefs[${index}]`;
      if (!gateway) return [{ path: `${path}.name`, message: `Gateway ${name} is not rendered in ${nsLabel(ns)}; expected a Gateway of that name` }];
      if (listeners.length === 0) return [{ path: `${path}.sectionName`, message: `Gateway ${name} has no listener ${section}; expected one of ${arr(at(gateway, 'spec', 'listeners')).map((l) => str(at(l, 'name'))).join(', ')}` }];
      const admitting = listeners.filter((l) => {
        const from = str(at(l, 'allowedRoutes', 'namespaces', 'from')) ?? 'Same';
        return from === 'All' || (from === 'Same' && ns === routeNs) || from === 'Selector';
      });
      if (admitting.length === 0) return [{ path: `${path}.name`, message: `no listener${section ? ` ${section}` : ''} of Gateway ${name} admits routes from ${nsLabel(routeNs)}; expected allowedRoutes.namespaces.from to include it` }];
      const matching = admitting.filter((l) => {
        const host = str(at(l, 'hostname'));
        return host === undefined || hostnames.length === 0 || hostnames.some((h) => intersects(h, host));
      });
      if (matching.length === 0) return [{ path: 'spec.hostnames', message: `hostnames ${hostnames.join(', ')} match no listener hostname of Gateway ${name} (${admitting.map((l) => str(at(l, 'hostname'))).join(', ')}); expected a shared hostname` }];
      return [];
    });
  },
};

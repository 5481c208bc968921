import { gatewayParents } from '../gateway-parents.ts';
import { arr, at, kindOf, str } from '../objects.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { K8sObject, Rule, Violation } from '../types.ts';

/** A rule that does nothing but redirect to https. */
function redirectsToHttps(rule: unknown): boolean {
  const filters = arr(at(rule, 'filters'));
  return arr(at(rule, 'backendRefs')).length === 0 && filters.length > 0 && filters.every((f) => str(at(f, 'type')) === 'RequestRedirect' && str(at(f, 'requestRedirect', 'scheme')) === 'https');
}

function checkGateway(o: K8sObject): Violation[] {
  const listeners = arr(at(o, 'spec', 'listeners'));
  const httpsHosts = new Set(listeners.filter((l) => str(at(l, 'protocol')) === 'HTTPS').map((l) => str(at(l, 'hostname'))));
  return listeners.flatMap((l, i): Violation[] => {
    const path = `spec.listeners[${i}]`;
    const name = str(at(l, 'name')) ?? String(i);
    const protocol = str(at(l, 'protocol'));
    const hostname = str(at(l, 'hostname'));
    if (!hostname) return [{ path: `${path}.hostname`, message: `listener ${name} names no hostname, so it answers any Host header; expected a hostname` }];
    if (protocol === 'HTTPS') {
      if (arr(at(l, 'tls', 'certificateRefs')).length === 0) return [{ path: `${path}.tls.certificateRefs`, message: `HTTPS listener ${name} has no certificate; expected tls.certificateRefs naming the Secret of a Certificate for ${hostname}` }];
      return [];
    }
    if (protocol === 'HTTP' && !httpsHosts.has(hostname)) return [{ path: `${path}.protocol`, message: `listener ${name} serves ${hostname} over plain HTTP only; expected an HTTPS listener for ${hostname} (the HTTP one only redirects)` }];
    return [];
  });
}

/** Routes on a plain-HTTP listener may only redirect to https. */
function checkRoute(o: K8sObject, set: RenderedSet): Violation[] {
  const plain = gatewayParents(o, set).some((p) => p.listeners.some((l) => str(at(l, 'protocol')) === 'HTTP'));
  if (!plain) return [];
  return arr(at(o, 'spec', 'rules')).flatMap((r, i): Violation[] =>
    redirectsToHttps(r) ? [] : [{ path: `spec.rules[${i}]`, message: `rule ${i} is served on a plain-HTTP listener; expected only a RequestRedirect to scheme https there (the API itself on the HTTPS listener)` }],
  );
}

export const rule: Rule = {
  id: 'gateway-listener-tls',
  category: 'security',
  description: 'Every Gateway listener must name a hostname; HTTPS listeners name a certificate, and a plain-HTTP listener exists only beside an HTTPS one for its hostname and carries nothing but redirects to https.',
  rationale: 'A listener without a hostname answers for any Host header, including ones nobody owns; an HTTPS listener without a certificate is not programmed; a route on the HTTP listener serves the API, credentials included, in clear text.',
  severity: 'error',
  kinds: ['Gateway', 'HTTPRoute'],
  scope: 'set',
  check: (o, set) => (kindOf(o) === 'Gateway' ? checkGateway(o) : checkRoute(o, set)),
};

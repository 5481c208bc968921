import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

function covers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1)) && !host.slice(0, -pattern.length + 1).includes('.');
}

export const rule: Rule = {
  id: 'ingress-tls-hosts',
  category: 'references',
  description: 'Every Ingress rule must name a host, and every host must be listed in a TLS block.',
  rationale: 'A host outside every TLS block is served over plain HTTP (or with the controller’s fake certificate); a rule without a host answers for any Host header, including ones nobody owns.',
  severity: 'error',
  kinds: ['Ingress'],
  scope: 'object',
  check: (o) => {
    const tlsHosts = arr(at(o, 'spec', 'tls')).flatMap((t) => arr(at(t, 'hosts')).filter((h): h is string => typeof h === 'string'));
    return arr(at(o, 'spec', 'rules')).flatMap((r, i): Violation[] => {
      const host = str(at(r, 'host'));
      if (!host) return [{ path: `spec.rules[${i}].host`, message: `rule ${i} names no host, so it answers any Host header; expected a host` }];
      return tlsHosts.some((p) => covers(p, host)) ? [] : [{ path: `spec.rules[${i}].host`, message: `host ${host} is in no TLS block; expected it under spec.tls[].hosts` }];
    });
  },
};

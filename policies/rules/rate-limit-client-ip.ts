import { arr, at, namespaceOf, str } from '../objects.ts';
import { gatewayParents } from '../gateway-parents.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { K8sObject, Rule } from '../types.ts';

/** Whether any rate limit rule counts per client address. */
function perClient(o: K8sObject): boolean {
  const rules = [...arr(at(o, 'spec', 'rateLimit', 'global', 'rules')), ...arr(at(o, 'spec', 'rateLimit', 'local', 'rules'))];
  return rules.some((r) => arr(at(r, 'clientSelectors')).some((s) => at(s, 'sourceCIDR') !== undefined));
}

/** The Gateways a policy ends up on: its targets, or the parents of the routes it targets. */
function gatewaysOf(o: K8sObject, set: RenderedSet): K8sObject[] {
  const ns = namespaceOf(o) ?? '';
  return arr(at(o, 'spec', 'targetRefs')).flatMap((t) => {
    const kind = str(at(t, 'kind'));
    const target = set.get(kind ?? '', ns, str(at(t, 'name')) ?? '');
    if (!target) return [];
    if (kind === 'Gateway') return [target];
    return gatewayParents(target, set).flatMap((p) => (p.gateway ? [p.gateway] : []));
  });
}

/** How the Gateway's Envoy learns the client's address, or undefined if it sees the load balancer's. */
function clientIpSource(gateway: K8sObject, set: RenderedSet): string | undefined {
  const ns = namespaceOf(gateway) ?? '';
  const name = str(at(gateway, 'metadata', 'name'));
  const params = at(gateway, 'spec', 'infrastructure', 'parametersRef');
  const proxy = str(at(params, 'kind')) === 'EnvoyProxy' ? set.get('EnvoyProxy', ns, str(at(params, 'name')) ?? '') : undefined;
  const service = at(proxy, 'spec', 'provider', 'kubernetes', 'envoyService');
  if (str(at(service, 'externalTrafficPolicy')) === 'Local') return 'externalTrafficPolicy: Local';
  const attributes = str(at(service, 'annotations', 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes')) ?? '';
  if (/preserve_client_ip\.enabled=true/.test(attributes)) return 'NLB client IP preservation';
  for (const c of set.ofKindIn('ClientTrafficPolicy', ns)) {
    if (!arr(at(c, 'spec', 'targetRefs')).some((t) => str(at(t, 'kind')) === 'Gateway' && str(at(t, 'name')) === name)) continue;
    if (at(c, 'spec', 'proxyProtocol') !== undefined || at(c, 'spec', 'enableProxyProtocol') === true) return 'proxy protocol';
    const xff = at(c, 'spec', 'clientIPDetection', 'xForwardedFor');
    if (((at(xff, 'numTrustedHops') as number | undefined) ?? 0) > 0 || arr(at(xff, 'trustedCIDRs')).length > 0) return 'trusted forwarded-for hops';
    if (at(c, 'spec', 'clientIPDetection', 'customHeader') !== undefined) return 'a client IP header';
  }
  return undefined;
}

export const rule: Rule = {
  id: 'rate-limit-client-ip',
  category: 'reliability',
  description: 'A rate limit that counts per client address (sourceCIDR) must sit behind a Gateway that preserves the client IP: externalTrafficPolicy Local or NLB client IP preservation on its EnvoyProxy Service, proxy protocol, or trusted forwarded-for hops in a ClientTrafficPolicy.',
  rationale: 'Behind a cloud load balancer Envoy otherwise sees node or balancer addresses: every user shares one counter per node, and the limit turns into an outage for all of them at once.',
  severity: 'error',
  kinds: ['BackendTrafficPolicy'],
  scope: 'set',
  check: (o, set) => {
    if (!perClient(o)) return [];
    return gatewaysOf(o, set)
      .filter((g) => clientIpSource(g, set) === undefined)
      .map((g) => ({
        path: 'spec.rateLimit',
        message: `the rate limit counts per client address, but Gateway ${str(at(g, 'metadata', 'name'))} passes on the load balancer's; expected externalTrafficPolicy: Local on its EnvoyProxy's envoyService, proxy protocol or trusted forwarded-for hops in a ClientTrafficPolicy`,
      }));
  },
};

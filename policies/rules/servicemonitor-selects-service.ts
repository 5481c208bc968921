import { arr, at, namespaceOf, rec, selects, str } from '../objects.ts';
import { apiGroupOf } from '../../kube/api-version.ts';
import type { K8sObject, Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'servicemonitor-selects-service',
  category: 'references',
  description: 'A ServiceMonitor must select a rendered Service, and each endpoint must name a port that Service has.',
  rationale: 'The Prometheus operator silently generates no scrape job for a selector that matches nothing or a port name that does not exist: the target vanishes from Prometheus and every alert on its metrics stays quiet.',
  severity: 'error',
  kinds: ['ServiceMonitor'],
  scope: 'set',
  check: (o, set) => {
    if (apiGroupOf(o.apiVersion) !== 'monitoring.coreos.com') return [];
    if (at(o, 'spec', 'namespaceSelector', 'any') === true) return [];
    const names = arr(at(o, 'spec', 'namespaceSelector', 'matchNames')).filter((n): n is string => typeof n === 'string');
    const namespaces = names.length > 0 ? names : [namespaceOf(o) ?? ''];
    const selector = at(o, 'spec', 'selector');
    const services: K8sObject[] = namespaces.flatMap((ns) => set.ofKindIn('Service', ns)).filter((s) => selects(selector, rec(at(s, 'metadata', 'labels')) as Record<string, string> ?? {}));
    if (services.length === 0) return [{ path: 'spec.selector', message: `the selector ${JSON.stringify(selector ?? {})} matches no Service in ${namespaces.join(', ') || '(unspecified)'}; expected the labels of the Service to scrape` }];
    return arr(at(o, 'spec', 'endpoints')).flatMap((e, i): Violation[] => {
      const port = str(at(e, 'port'));
      if (port === undefined) return [];
      return services.some((s) => arr(at(s, 'spec', 'ports')).some((p) => str(at(p, 'name')) === port))
        ? []
        : [{ path: `spec.endpoints[${i}].port`, message: `endpoint ${i} scrapes port "${port}", which no selected Service names; expected one of their port names` }];
    });
  },
};

import { at, namespaceOf, podTemplateOf, selects, str } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'statefulset-headless-service',
  category: 'reliability',
  description: 'A StatefulSet must name a governing Service that exists, is headless (clusterIP: None) and selects its pods.',
  rationale: 'The governing Service gives each replica its stable DNS name (`<pod>.<service>`), which replication and clients rely on; a missing or non-headless one leaves the names unresolvable.',
  severity: 'error',
  kinds: ['StatefulSet'],
  scope: 'set',
  check: (o, set) => {
    const name = str(at(o, 'spec', 'serviceName'));
    if (!name) return [{ path: 'spec.serviceName', message: 'the StatefulSet names no governing Service; expected spec.serviceName' }];
    const svc = set.get('Service', namespaceOf(o) ?? '', name);
    if (!svc) return [{ path: 'spec.serviceName', message: `governing Service ${name} is not rendered; expected a headless Service of that name` }];
    if (str(at(svc, 'spec', 'clusterIP')) !== 'None') return [{ path: 'spec.serviceName', message: `governing Service ${name} is not headless; expected clusterIP: None on it` }];
    const t = podTemplateOf(o);
    if (t && !selects(at(svc, 'spec', 'selector'), t.labels, true)) return [{ path: 'spec.serviceName', message: `governing Service ${name} does not select this StatefulSet's pods; expected its selector to match the pod labels` }];
    return [];
  },
};

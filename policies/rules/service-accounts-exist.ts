import { namespaceOf, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'service-accounts-exist',
  category: 'references',
  description: 'The ServiceAccount a pod runs as must be rendered in its namespace.',
  rationale: 'The ReplicaSet cannot create pods for a missing account; the Deployment looks healthy in git and never starts.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    const account = t ? str(t.spec['serviceAccountName']) : undefined;
    if (!t || !account || account === 'default') return [];
    const ns = namespaceOf(o) ?? '';
    return set.get('ServiceAccount', ns, account) ? [] : [{ path: `${t.path}.serviceAccountName`, message: `ServiceAccount ${account} is not rendered in ${nsLabel(ns)}; expected a ServiceAccount of that name` }];
  },
};

import { at, nameOf, namespaceOf, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-token-automount',
  category: 'security',
  description: 'Pods must not mount a service-account token unless their ServiceAccount is bound to a Role or ClusterRole.',
  rationale:
    'A mounted token is a credential for the Kubernetes API that any code in the pod can read; a pod that never calls the API should not carry one (CIS 5.1.6, Polaris automountServiceAccountToken). Pods whose account is granted permissions in the same set need it and pass.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const ns = namespaceOf(o) ?? '';
    const account = str(t.spec['serviceAccountName']) ?? 'default';
    const pod = t.spec['automountServiceAccountToken'];
    if (pod === false) return [];
    if (pod === undefined && at(set.get('ServiceAccount', ns, account), 'automountServiceAccountToken') === false) return [];
    if (set.isBound(ns, account)) return [];
    return [
      {
        path: `${t.path}.automountServiceAccountToken`,
        message: `pods of ${nameOf(o)} mount a token for ServiceAccount "${account}", which no RoleBinding grants anything; expected automountServiceAccountToken: false`,
      },
    ];
  },
};

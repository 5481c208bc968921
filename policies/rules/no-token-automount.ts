import { arr, at, nameOf, namespaceOf, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { Rule } from '../types.ts';

/** Whether a RoleBinding or ClusterRoleBinding in the set grants something to this ServiceAccount. */
function isBound(set: RenderedSet, namespace: string, account: string): boolean {
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of set.ofKind(kind)) {
      for (const s of arr(at(b, 'subjects'))) {
        if (str(at(s, 'kind')) !== 'ServiceAccount' || str(at(s, 'name')) !== account) continue;
        const ns = str(at(s, 'namespace')) ?? (kind === 'RoleBinding' ? namespaceOf(b) : undefined);
        if ((ns ?? '') === namespace) return true;
      }
    }
  }
  return false;
}

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
    if (isBound(set, ns, account)) return [];
    return [
      {
        path: `${t.path}.automountServiceAccountToken`,
        message: `pods of ${nameOf(o)} mount a token for ServiceAccount "${account}", which no RoleBinding grants anything; expected automountServiceAccountToken: false`,
      },
    ];
  },
};

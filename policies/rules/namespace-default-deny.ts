import { arr, at, isEmptySelector, namespaceOf, WORKLOAD_KINDS } from '../objects.ts';
import { OPERATOR_POD_KINDS } from '../../kube/produced.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { K8sObject, Rule } from '../types.ts';

/** An empty podSelector with both policy types and no allow rules: deny everything not allowed elsewhere. */
function isDefaultDeny(p: K8sObject): boolean {
  if (!isEmptySelector(at(p, 'spec', 'podSelector'))) return false;
  const types = arr(at(p, 'spec', 'policyTypes'));
  return types.includes('Ingress') && types.includes('Egress') && arr(at(p, 'spec', 'ingress')).length === 0 && arr(at(p, 'spec', 'egress')).length === 0;
}

function hasDefaultDeny(set: RenderedSet, ns: string): boolean {
  return set.ofKindIn('NetworkPolicy', ns).some(isDefaultDeny);
}


export const rule: Rule = {
  id: 'namespace-default-deny',
  category: 'references',
  description: 'Every namespace that runs pods must have a default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules).',
  rationale: 'NetworkPolicies only allow; without a default deny every pod not named by a policy accepts and makes any connection, so one forgotten workload is an open door (NSA/CISA hardening guide).',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, ...OPERATOR_POD_KINDS],
  scope: 'set',
  check: (o, set) => {
    if (set.podsIn(namespaceOf(o) ?? '').every((p) => p.owner !== o)) return [];
    const ns = namespaceOf(o) ?? '';
    return hasDefaultDeny(set, ns)
      ? []
      : [{ path: 'metadata.namespace', message: `namespace ${ns || '(unspecified)'} has no default-deny NetworkPolicy; expected one with podSelector: {} and policyTypes [Ingress, Egress]` }];
  },
};

import { at, str } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-cluster-admin-binding',
  category: 'security',
  description: 'Nothing may be bound to the cluster-admin ClusterRole.',
  rationale: 'cluster-admin is every permission on every namespace; a workload bound to it turns any code execution into full cluster compromise (CIS 5.1.1, kube-linter cluster-admin-role-binding).',
  severity: 'error',
  kinds: ['ClusterRoleBinding', 'RoleBinding'],
  scope: 'object',
  check: (o) =>
    str(at(o, 'roleRef', 'kind')) === 'ClusterRole' && str(at(o, 'roleRef', 'name')) === 'cluster-admin'
      ? [{ path: 'roleRef.name', message: 'the binding grants cluster-admin; expected a role with only the permissions needed' }]
      : [],
};

import { podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-default-service-account',
  category: 'security',
  description: 'Pods should run under their own ServiceAccount, not the namespace default.',
  rationale: 'Permissions granted to `default` leak to every pod that forgets to name an account; one account per workload keeps RBAC grants and audit logs attributable (kube-linter default-service-account).',
  severity: 'warning',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const account = str(t.spec['serviceAccountName']);
    return account && account !== 'default'
      ? []
      : [{ path: `${t.path}.serviceAccountName`, message: `the pod runs as ServiceAccount ${JSON.stringify(account ?? 'default')}; expected a dedicated ServiceAccount` }];
  },
};

import { arr, at } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'no-rbac-wildcards',
  category: 'security',
  description: 'Roles and ClusterRoles must not use `*` in apiGroups, resources, verbs or nonResourceURLs.',
  rationale: 'A wildcard grants every current and future resource or verb (including escalate, impersonate and secrets), so nobody can review what the role really allows (kube-linter wildcard-in-rules).',
  severity: 'error',
  kinds: ['Role', 'ClusterRole'],
  scope: 'object',
  check: (o) =>
    arr(at(o, 'rules')).flatMap((r, i) =>
      ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'].flatMap((f): Violation[] =>
        arr(at(r, f)).includes('*') ? [{ path: `rules[${i}].${f}`, message: `rule ${i} grants ${f} "*"; expected an explicit list` }] : [],
      ),
    ),
};

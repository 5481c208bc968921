import { CLUSTER_SCOPED_KINDS, kindOf, namespaceOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-default-namespace',
  category: 'references',
  description: 'Namespaced objects must name a namespace other than `default`.',
  rationale: 'An object without a namespace lands wherever the applying context points, usually `default`, which is shared, has no quotas or network policies of ours and is where everyone’s mistakes end up (kube-linter, Kyverno disallow-default-namespace).',
  severity: 'error',
  kinds: ['*'],
  scope: 'object',
  check: (o) => {
    if (CLUSTER_SCOPED_KINDS.has(kindOf(o))) return [];
    const ns = namespaceOf(o);
    if (ns === undefined) return [{ path: 'metadata.namespace', message: 'the object names no namespace, so it lands in the applying context’s (usually default); expected metadata.namespace' }];
    return ns === 'default' ? [{ path: 'metadata.namespace', message: 'the object is in the default namespace; expected the platform’s namespace' }] : [];
  },
};

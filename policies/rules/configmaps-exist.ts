import { namespaceOf, podTemplateOf, WORKLOAD_KINDS } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import { podReferences } from '../../kube/pod-references.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'configmaps-exist',
  category: 'references',
  description: 'Every ConfigMap a pod refers to (volume, env, envFrom), unless marked optional, must be in the rendered set.',
  rationale: 'A missing ConfigMap leaves the pod in CreateContainerConfigError; catching the typo in CI is cheaper than in a rollout that never becomes ready.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const ns = namespaceOf(o) ?? '';
    return podReferences(t)
      .filter((r) => r.kind === 'ConfigMap' && !r.optional && !set.hasConfigMap(ns, r.name))
      .map((r) => ({ path: r.path, message: `ConfigMap ${r.name} is not rendered in ${nsLabel(ns)}; expected a ConfigMap of that name (or optional: true)` }));
  },
};

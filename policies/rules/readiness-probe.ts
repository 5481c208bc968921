import { appContainersOf, at, LONG_RUNNING_KINDS, nameOf, namespaceOf, podTemplateOf, selects, kindOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'readiness-probe',
  category: 'reliability',
  description: 'Containers of pods behind a Service must have a readinessProbe.',
  rationale: 'Without one a pod receives traffic as soon as its process starts, before it can answer, and keeps receiving it while it cannot; rollouts then drop requests (kube-linter no-readiness-probe).',
  severity: 'error',
  kinds: LONG_RUNNING_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const ns = namespaceOf(o) ?? '';
    const service = set.ofKindIn('Service', ns).find((s) => at(s, 'spec', 'selector') !== undefined && selects(at(s, 'spec', 'selector'), t.labels, true));
    if (!service) return [];
    return appContainersOf(t)
      .filter((c) => c.container['readinessProbe'] === undefined)
      .map((c) => ({
        path: `${c.path}.readinessProbe`,
        message: `container "${c.name}" of ${kindOf(o)} ${nameOf(o)} is behind Service ${nameOf(service)} but has no readinessProbe; expected one`,
      }));
  },
};

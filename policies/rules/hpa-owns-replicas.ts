import { at, nameOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'hpa-owns-replicas',
  category: 'reliability',
  description: 'A Deployment or StatefulSet under a HorizontalPodAutoscaler must not set spec.replicas.',
  rationale: 'Every sync (kubectl apply, Argo CD) resets the replica count to the manifest’s value, fighting the autoscaler and shrinking a scaled-out service during a load peak.',
  severity: 'error',
  kinds: ['Deployment', 'StatefulSet'],
  scope: 'set',
  check: (o, set) => {
    const hpa = set.autoscalerOf(o);
    if (!hpa || at(o, 'spec', 'replicas') === undefined) return [];
    return [{ path: 'spec.replicas', message: `spec.replicas is ${JSON.stringify(at(o, 'spec', 'replicas'))} but HorizontalPodAutoscaler ${nameOf(hpa)} owns the replica count; expected no spec.replicas` }];
  },
};

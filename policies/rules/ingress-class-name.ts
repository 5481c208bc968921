import { at, str } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'ingress-class-name',
  category: 'references',
  description: 'Ingresses must name their controller with spec.ingressClassName, not the kubernetes.io/ingress.class annotation.',
  rationale: 'The annotation is deprecated since Kubernetes 1.18; an Ingress without a class is served by whichever controller claims the default, or by none, so the same manifest behaves differently per cluster (the guides use the annotation).',
  severity: 'error',
  kinds: ['Ingress'],
  scope: 'object',
  check: (o) => {
    if (str(at(o, 'spec', 'ingressClassName'))) return [];
    const annotated = str(at(o, 'metadata', 'annotations', 'kubernetes.io/ingress.class'));
    return [
      annotated
        ? { path: 'spec.ingressClassName', message: `the Ingress names its class "${annotated}" only through the deprecated kubernetes.io/ingress.class annotation; expected spec.ingressClassName: ${annotated}` }
        : { path: 'spec.ingressClassName', message: 'the Ingress names no class; expected spec.ingressClassName' },
    ];
  },
};

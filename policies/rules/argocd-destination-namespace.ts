import { at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'argocd-destination-namespace',
  category: 'gitops',
  description: 'Argo CD Applications must name a destination namespace and a destination cluster.',
  rationale: 'Without a destination namespace, namespaced objects that omit theirs are created in whatever namespace Argo CD defaults to; without a cluster the Application does not sync at all.',
  severity: 'error',
  kinds: ['Application'],
  scope: 'object',
  check: (o) => {
    const out: Violation[] = [];
    if (!str(at(o, 'spec', 'destination', 'namespace'))) out.push({ path: 'spec.destination.namespace', message: 'the Application names no destination namespace; expected spec.destination.namespace' });
    if (!str(at(o, 'spec', 'destination', 'server')) && !str(at(o, 'spec', 'destination', 'name'))) out.push({ path: 'spec.destination', message: 'the Application names no destination cluster; expected spec.destination.server or .name' });
    return out;
  },
};

import { appContainersOf, arr, at, namespaceOf, podTemplateOf, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'hpa-target-requests',
  category: 'reliability',
  description: 'A HorizontalPodAutoscaler must target a rendered workload whose containers request every resource it scales on.',
  rationale: 'Utilization is usage divided by request: a container without a cpu request makes cpu utilization undefined and the autoscaler silently stops scaling; a target that does not exist scales nothing.',
  severity: 'error',
  kinds: ['HorizontalPodAutoscaler'],
  scope: 'set',
  check: (o, set) => {
    const kind = str(at(o, 'spec', 'scaleTargetRef', 'kind')) ?? '';
    const name = str(at(o, 'spec', 'scaleTargetRef', 'name')) ?? '';
    const target = set.get(kind, namespaceOf(o) ?? '', name);
    if (!target) return [{ path: 'spec.scaleTargetRef', message: `scale target ${kind} ${name} is not in the rendered set; expected an existing Deployment or StatefulSet` }];
    const t = podTemplateOf(target);
    if (!t) return [];
    const out: Violation[] = [];
    arr(at(o, 'spec', 'metrics')).forEach((m, i) => {
      const type = str(at(m, 'type'));
      const field = type === 'Resource' ? 'resource' : type === 'ContainerResource' ? 'containerResource' : undefined;
      if (!field || str(at(m, field, 'target', 'type')) !== 'Utilization') return;
      const resource = str(at(m, field, 'name')) ?? '';
      const only = field === 'containerResource' ? str(at(m, field, 'container')) : undefined;
      for (const c of appContainersOf(t)) {
        if (only !== undefined && c.name !== only) continue;
        if (at(c.container, 'resources', 'requests', resource) === undefined) {
          out.push({ path: `spec.metrics[${i}].${field}.name`, message: `scales on ${resource} utilization but container "${c.name}" of ${kind} ${name} requests no ${resource}; expected resources.requests.${resource}` });
        }
      }
    });
    return out;
  },
};

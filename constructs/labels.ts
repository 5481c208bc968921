/**
 * Label conventions (Kubernetes recommended labels). Selectors use only `name` and `part-of`,
 * which never change for the life of a workload: selectors are immutable on Deployments and
 * StatefulSets, so nothing that varies by release may appear in one.
 */
export const PART_OF = 'agent-platform';
export const MANAGED_BY = 'agent-platform-infra';

/** Labels that select the pods of one component; stable for its whole life. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

/** Labels every object of a component carries. */
export function componentLabels(name: string, component: string): Record<string, string> {
  return {
    ...selectorLabels(name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Requests and limits of a container, and their Kubernetes API shape. */
import { k8s } from './k8s.ts';

/**
 * Requests and limits as Kubernetes quantities (`250m`, `512Mi`). A memory limit is mandatory (an
 * OOM-kill beats starving the node); a CPU limit is optional. The environment schema's
 * `resources` block produces exactly this (environments/schema/common.ts checks it with `satisfies`).
 */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** `resources` of a container: requests for cpu and memory, a memory limit, a CPU limit when given. */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu !== undefined) limits['cpu'] = k8s.Quantity.fromString(r.limits.cpu);
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}

/** Conversion of validated environment resources into the Kubernetes API shape. */
import type { Resources } from '../environments/schema/common.ts';
import { k8s } from './k8s.ts';

/** `resources` of a container: requests for cpu and memory, a memory limit, a CPU limit when given. */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu !== undefined) limits['cpu'] = k8s.Quantity.fromString(r.limits.cpu);
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}

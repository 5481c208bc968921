/** One ordering fact between two rendered objects: `from` needs `to` applied (and healthy) first. */
import type { Manifest } from '../kube/object.ts';

/** `from` references `to`, so `to` must be applied (and healthy) first. */
export interface Dependency {
  readonly from: Manifest;
  readonly to: Manifest;
  /** Why, for messages and tests: `envFrom configMapRef agent-service-settings`. */
  readonly reason: string;
}

/** `Deployment/agent-platform-prod/agent-api`: a stable key to order objects by. */
export function objectKey(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

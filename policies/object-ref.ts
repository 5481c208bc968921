/** How findings and waivers name an object: kind, namespace and name. */
import type { K8sObject } from '../kube/object.ts';
import { kindOf, nameOf, namespaceOf } from './objects.ts';

/** `Deployment agent-platform-prod/agent-api` in messages; `ClusterRole admin` for cluster-scoped ones. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export function refOf(o: K8sObject): ObjectRef {
  const ns = namespaceOf(o);
  return ns === undefined ? { kind: kindOf(o), name: nameOf(o) } : { kind: kindOf(o), namespace: ns, name: nameOf(o) };
}

export function showRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

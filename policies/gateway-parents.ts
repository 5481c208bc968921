/**
 * The Gateways and listeners a route's `parentRefs` name: a ref of kind Gateway (the default) in
 * the ref's namespace (default: the route's), and its listeners, all of them or the one its
 * `sectionName` names. https://gateway-api.sigs.k8s.io/reference/spec/#parentreference
 */
import { arr, at, namespaceOf, str } from './objects.ts';
import type { RenderedSet } from './rendered-set.ts';
import type { K8sObject } from './types.ts';

export interface GatewayParent {
  /** Position of the ref in `spec.parentRefs`. */
  readonly index: number;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  /** The Gateway, when the set renders it. */
  readonly gateway?: K8sObject;
  /** Its listeners the ref attaches to; empty when the Gateway is not rendered. */
  readonly listeners: readonly unknown[];
}

/** The Gateway parents of `route` (refs of other kinds are left out). */
export function gatewayParents(route: K8sObject, set: RenderedSet): GatewayParent[] {
  return arr(at(route, 'spec', 'parentRefs')).flatMap((ref, index): GatewayParent[] => {
    if ((str(at(ref, 'kind')) ?? 'Gateway') !== 'Gateway') return [];
    const namespace = str(at(ref, 'namespace')) ?? namespaceOf(route) ?? '';
    const name = str(at(ref, 'name')) ?? '';
    const sectionName = str(at(ref, 'sectionName'));
    const gateway = set.get('Gateway', namespace, name);
    const listeners = arr(at(gateway, 'spec', 'listeners')).filter((l) => sectionName === undefined || str(at(l, 'name')) === sectionName);
    return [{ index, namespace, name, ...(sectionName !== undefined ? { sectionName } : {}), ...(gateway ? { gateway } : {}), listeners }];
  });
}

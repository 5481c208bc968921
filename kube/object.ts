/**
 * The two shapes a Kubernetes object takes in this repository: `K8sObject`, anything read from YAML
 * or Pulumi inputs (every field may be missing), and `Manifest`, an object this repository rendered
 * (apiVersion, kind and name are always there).
 */

/** A Kubernetes object as plain data. Fields beyond these are read defensively (kube/read.ts). */
export interface K8sObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** An object as rendered by a chart (stacks/render.ts). */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

/**
 * A custom resource typed by its model: the interfaces `@kubernetes-models/*` generate from the
 * upstream CRDs (`ICertificate`, `ICluster`, `IHTTPRoute`, ...). A misspelt or misplaced field, or a
 * value of the wrong type, is a compile error instead of an object the API server rejects at sync
 * (schema validation in stacks/validate.ts still runs on every rendered object). The body goes
 * to ApiObject unchanged, so the YAML is byte for byte what an untyped ApiObject rendered.
 */
import { ApiObject, type ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';

/** What every model interface has; `status` is the controller's, never rendered. */
export type ResourceBody<T extends { apiVersion: string; kind: string }> = Omit<T, 'status'>;

export class CustomResource<T extends { apiVersion: string; kind: string }> extends ApiObject {
  constructor(scope: Construct, id: string, body: ResourceBody<T>) {
    super(scope, id, body as unknown as ApiObjectProps);
  }
}

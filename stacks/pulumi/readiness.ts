/**
 * What Argo CD gave the objects through annotations and Pulumi must be told another way.
 *
 * - Readiness. pulumi-kubernetes counts a custom resource as created the moment the API server
 *   accepts it, unless it carries `pulumi.com/waitFor` (pulumi-kubernetes >= 4.18; the value is
 *   `condition=<type>` or `jsonpath={...}=<value>`, as `kubectl wait --for`). So "the init Job
 *   depends on the Postgres Cluster" would not mean Postgres is up. The kinds whose readiness
 *   others rely on wait for their `Ready` condition.
 * - Time. Pulumi gives up on a create or update after 10 minutes by default, while a Job may run
 *   until its own `activeDeadlineSeconds`; Pulumi waits a little longer, so a failing Job is
 *   reported with Kubernetes' reason (DeadlineExceeded, BackoffLimitExceeded) rather than a timeout.
 * - Hooks. `argocd.argoproj.io/*` annotations (hook, hook-delete-policy, sync-wave, sync-options)
 *   mean nothing to Pulumi, which orders by dependencies (kubernetes-objects.ts); they are dropped
 *   from what Pulumi applies, whatever their values, so a hook's phase can change without this file.
 */
import { apiGroupOf } from '../../kube/api-version.ts';
import type * as pulumi from '@pulumi/pulumi';
import type { Manifest } from '../../kube/object.ts';

export const WAIT_FOR_ANNOTATION = 'pulumi.com/waitFor';
const ARGO_CD_ANNOTATION_PREFIX = 'argocd.argoproj.io/';

/**
 * A 3-instance CloudNativePG cluster creates its instances one after another (volume, initdb or
 * join, streaming), which can outlast Pulumi's default 10 minutes on a cluster adding nodes.
 */
const DATABASE_READY_TIMEOUT = '30m';
/** How much longer than a Job's own deadline Pulumi waits for it. */
const JOB_DEADLINE_MARGIN_SECONDS = 60;

export interface Readiness {
  /** Value of `pulumi.com/waitFor`, when the object has a readiness worth waiting for. */
  readonly waitFor?: string;
  readonly customTimeouts?: pulumi.CustomTimeouts;
}

/** How Pulumi must wait for `m` before what depends on it is applied. */
export function readinessOf(m: Manifest): Readiness {
  const group = apiGroupOf(m.apiVersion);
  const spec = (m['spec'] ?? {}) as Record<string, any>;
  if (group === 'postgresql.cnpg.io' && m.kind === 'Cluster') {
    return { waitFor: 'condition=Ready', customTimeouts: { create: DATABASE_READY_TIMEOUT, update: DATABASE_READY_TIMEOUT } };
  }
  if (group === 'external-secrets.io' && m.kind === 'ExternalSecret') return { waitFor: 'condition=Ready' };
  // An Issuer is Ready once it can sign (a CA issuer: when its CA Secret exists).
  if (group === 'cert-manager.io' && (m.kind === 'Issuer' || m.kind === 'ClusterIssuer')) return { waitFor: 'condition=Ready' };
  // Every Certificate is waited for: the environment's own issuers (self-signed, CA) sign at once,
  // and the ACME ClusterIssuers answer DNS-01 in Route 53, which needs no path through the edge, so
  // the Gateway's HTTPS listener is applied with its Secret in place.
  if (group === 'cert-manager.io' && m.kind === 'Certificate') return { waitFor: 'condition=Ready' };
  // EnvoyProxy is configuration Envoy Gateway reads when it programs a Gateway; it has no status,
  // so there is nothing to wait for. The Gateway itself is waited for (Programmed), which covers it.
  if (group === 'gateway.envoyproxy.io' && m.kind === 'EnvoyProxy') return {};
  // A Gateway is Programmed once Envoy Gateway has created its proxy and the load balancer has an
  // address; routes and policies attach to it.
  if (group === 'gateway.networking.k8s.io' && m.kind === 'Gateway') return { waitFor: 'condition=Programmed' };
  if (m.apiVersion === 'batch/v1' && m.kind === 'Job' && typeof spec['activeDeadlineSeconds'] === 'number') {
    const seconds = `${spec['activeDeadlineSeconds'] + JOB_DEADLINE_MARGIN_SECONDS}s`;
    return { customTimeouts: { create: seconds, update: seconds } };
  }
  return {};
}

/** `m` as Pulumi applies it: without Argo CD's annotations, with Pulumi's await annotation. */
export function forPulumi(m: Record<string, unknown>, readiness: Readiness): Record<string, unknown> {
  const { annotations: present, ...metadata } = (m['metadata'] ?? {}) as Record<string, unknown>;
  const annotations = Object.fromEntries(Object.entries((present ?? {}) as Record<string, unknown>).filter(([key]) => !key.startsWith(ARGO_CD_ANNOTATION_PREFIX)));
  if (readiness.waitFor) annotations[WAIT_FOR_ANNOTATION] = readiness.waitFor;
  return { ...m, metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata };
}

/**
 * Every cluster add-on the GitOps stack knows: pinned upstream charts that serve the API groups and
 * capabilities our environments' objects assume (cert-manager for a Certificate, CloudNativePG for
 * a Cluster, the Prometheus Operator CRDs for a ServiceMonitor, ...). Which of them a cluster gets
 * follows from what its environments render (stacks/add-on-selection.ts).
 */
import { CHARTS, GATEWAY_API } from '../constructs/versions.ts';
import { rateLimitRedisUrl } from '../constructs/rate-limit-redis.ts';
import type { AddOn } from './add-on.ts';
import { CLUSTER_ADD_ONS } from './cluster-add-ons.ts';

/** API groups Argo CD itself serves; it is installed before anything here (bootstrap). */
export const BOOTSTRAP_GROUPS: ReadonlySet<string> = new Set(['argoproj.io']);
/** Where Envoy Gateway runs, with the Envoy pods of every Gateway (its default deploy mode). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
/** Namespace of the Redis the rate limit service counts in (rendered with the cluster's configuration). */
export const RATE_LIMIT_NAMESPACE = 'edge-ratelimit';

/** Every add-on the stack knows. Values say why they differ from the chart's defaults. */
export const ADD_ONS: readonly AddOn[] = [
  {
    key: 'cert-manager',
    chart: CHARTS.certManager,
    namespace: 'cert-manager',
    provides: ['cert-manager.io', 'acme.cert-manager.io'],
    neededBy: (u) => u.groups.has('cert-manager.io'),
    // `keep`: uninstalling the chart must not delete every Certificate in the cluster with its CRD.
    // The ServiceAccount's IRSA role lets the ClusterIssuers answer DNS-01 in Route 53.
    values: (u) => ({
      crds: { enabled: true, keep: true },
      ...(u.certManagerRoleArn ? { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': u.certManagerRoleArn } } } : {}),
    }),
  },
  {
    // Gateway API CRDs (standard channel, constructs/versions.ts GATEWAY_API) and Envoy Gateway's
    // own CRDs, from their own chart: gateway-helm bundles the experimental channel.
    key: 'gateway-crds',
    chart: CHARTS.gatewayCrds,
    namespace: ENVOY_GATEWAY_NAMESPACE,
    provides: ['gateway.networking.k8s.io', 'gateway.envoyproxy.io'],
    neededBy: (u) => u.groups.has('gateway.networking.k8s.io') || u.groups.has('gateway.envoyproxy.io'),
    values: () => ({ crds: { gatewayAPI: { enabled: true, channel: GATEWAY_API.channel }, envoyGateway: { enabled: true } } }),
  },
  {
    key: 'envoy-gateway',
    chart: CHARTS.envoyGateway,
    namespace: ENVOY_GATEWAY_NAMESPACE,
    provides: [],
    neededBy: (u) => u.gatewayClasses.size > 0,
    skipCrds: true,
    after: ['gateway-crds'],
    values: (u) => ({
      deployment: { replicas: u.production ? 2 : 1 },
      podDisruptionBudget: u.production ? { minAvailable: 1 } : undefined,
      config: {
        envoyGateway: {
          // Per-client-IP limits are global rate limits (see constructs/api-gateway.ts): Envoy
          // Gateway runs its rate limit service, which counts in this Redis.
          rateLimit: { backend: { type: 'Redis', redis: { url: rateLimitRedisUrl(RATE_LIMIT_NAMESPACE) } } },
        },
      },
    }),
  },
  {
    key: 'external-secrets',
    chart: CHARTS.externalSecrets,
    namespace: 'external-secrets',
    provides: ['external-secrets.io', 'generators.external-secrets.io'],
    neededBy: (u) => u.groups.has('external-secrets.io'),
    values: () => ({ installCRDs: true }),
  },
  {
    key: 'cloudnative-pg',
    chart: CHARTS.cloudNativePg,
    namespace: 'cnpg-system',
    provides: ['postgresql.cnpg.io'],
    neededBy: (u) => u.groups.has('postgresql.cnpg.io'),
    values: () => ({ crds: { create: true } }),
  },
  {
    // WAL archiving and base backups of CloudNativePG clusters (the in-tree barmanObjectStore is
    // deprecated). It must run in the operator's namespace, and its chart issues the operator and
    // plugin TLS certificates through cert-manager.
    // https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/
    key: 'plugin-barman-cloud',
    chart: CHARTS.barmanCloudPlugin,
    namespace: 'cnpg-system',
    provides: ['barmancloud.cnpg.io'],
    neededBy: (u) => u.groups.has('barmancloud.cnpg.io'),
    values: () => ({}),
    requires: ['cloudnative-pg', 'cert-manager'],
  },
  {
    key: 'prometheus-operator-crds',
    chart: CHARTS.prometheusOperatorCrds,
    namespace: 'prometheus-operator',
    provides: ['monitoring.coreos.com'],
    neededBy: (u) => u.groups.has('monitoring.coreos.com'),
    values: () => ({}),
  },
  ...CLUSTER_ADD_ONS,
];

/** The add-on of `key`; throws when the list lost it (a renamed key). */
export function addOnOf(key: string): AddOn {
  const addOn = ADD_ONS.find((a) => a.key === key);
  if (!addOn) throw new Error(`no add-on ${key} in stacks/add-ons.ts`);
  return addOn;
}

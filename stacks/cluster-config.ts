/**
 * `generated/argocd/clusters/<cluster>/`: objects of the add-ons that belong to the environments on
 * one cluster: the ACME ClusterIssuers their Certificates name, the GatewayClass their Gateways
 * name, the grants that let each environment's Prometheus find the Envoy and cert-manager pods, the
 * Redis the per-client-IP rate limits count in, the ClusterSecretStore of each environment, and the
 * StorageClasses their claims name.
 */
import { App, Chart } from 'cdk8s';
import { AcmeClusterIssuer } from '../constructs/acme-cluster-issuer.ts';
import { AwsClusterSecretStore } from '../constructs/aws-cluster-secret-store.ts';
import { EnvoyGatewayClass } from '../constructs/envoy-gateway-class.ts';
import { PodDiscoveryGrant } from '../constructs/pod-discovery-grant.ts';
import { PROMETHEUS_NAME } from '../constructs/prometheus.ts';
import { RateLimitRedis } from '../constructs/rate-limit-redis.ts';
import { IMAGES, pinnedImageRef } from '../constructs/versions.ts';
import type { Environment } from '../environments/schema/index.ts';
import { apiGroupOf, isBuiltInGroup } from '../kube/api-version.ts';
import type { Manifest } from '../kube/object.ts';
import { CLUSTER_LABEL } from '../policies/cluster.ts';
import { addOnOf, ENVOY_GATEWAY_NAMESPACE, RATE_LIMIT_NAMESPACE } from './add-ons.ts';
import { declareStorageClasses } from './cluster-storage.ts';
import type { PlatformFacts } from './platform-chart.ts';
import { chartObjects } from './render.ts';
import { applySyncWaves } from './sync-waves.ts';

/** The controller that serves our GatewayClass. */
const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

export interface ClusterConfig {
  /** The objects, with their sync waves, cluster label and dry-run option. */
  readonly manifests: Manifest[];
  /** Namespaces the objects are written to besides the add-ons' own (the rate-limit Redis). */
  readonly namespaces: readonly string[];
}

/**
 * The configuration objects of cluster `clusterName`, for its environments `members` and the facts
 * their tiers reported (`facts`, one per environment); nothing is read back from their objects.
 */
export function buildClusterConfig(clusterName: string, members: readonly Environment[], facts: readonly PlatformFacts[]): ClusterConfig {
  const chart = new Chart(new App(), `cluster-${clusterName}`, { disableResourceNameHashes: true });
  const issuers = new Map<string, { wanted: string; acme: Environment['gitops']['acme']; envs: string[] }>();
  for (const e of members) {
    const { server, email, route53 } = e.gitops.acme;
    const wanted = JSON.stringify({ server, email, region: route53.region, hostedZoneID: route53.hostedZoneID });
    const seen = issuers.get(e.ingress.clusterIssuer);
    if (seen && seen.wanted !== wanted) {
      throw new Error(`ClusterIssuer ${e.ingress.clusterIssuer} on cluster ${clusterName}: ${e.name} configures it differently from ${seen.envs.join(', ')} (gitops.acme)`);
    }
    issuers.set(e.ingress.clusterIssuer, { wanted, acme: e.gitops.acme, envs: [...(seen?.envs ?? []), e.name] });
  }
  for (const [name, { acme }] of [...issuers].sort(([a], [b]) => (a < b ? -1 : 1))) {
    new AcmeClusterIssuer(chart, `issuer-${name}`, { name, server: acme.server, email: acme.email, route53: acme.route53 });
  }
  const certManager = addOnOf('cert-manager').namespace;
  for (const e of members) {
    if (e.network.gatewayNamespace !== ENVOY_GATEWAY_NAMESPACE) {
      throw new Error(`environment ${e.name}: network.gatewayNamespace is ${e.network.gatewayNamespace}, but the envoy-gateway add-on runs the Envoy pods in ${ENVOY_GATEWAY_NAMESPACE}`);
    }
    if (e.network.certManagerNamespace !== certManager) {
      throw new Error(`environment ${e.name}: network.certManagerNamespace is ${e.network.certManagerNamespace}, but the cert-manager add-on runs in ${certManager}`);
    }
  }
  for (const className of [...new Set(members.map((e) => e.ingress.gatewayClassName))].sort()) {
    new EnvoyGatewayClass(chart, `gateway-class-${className}`, { name: className, controllerName: ENVOY_GATEWAY_CONTROLLER });
  }
  // Our own Prometheus of each environment scrapes its Gateway's Envoy pods and cert-manager
  // (stacks/app-tier.ts, podTargets) and may find those pods.
  const discovered = new Map<string, { name: string; namespace: string }[]>();
  for (const e of members.filter((m) => m.monitoring.mode === 'plain')) {
    for (const ns of [e.network.gatewayNamespace, e.network.certManagerNamespace]) discovered.set(ns, [...(discovered.get(ns) ?? []), { name: PROMETHEUS_NAME, namespace: e.namespace }]);
  }
  for (const [ns, accounts] of [...discovered].sort(([a], [b]) => (a < b ? -1 : 1))) {
    new PodDiscoveryGrant(chart, `pod-discovery-${ns}`, { namespace: ns, serviceAccounts: accounts, name: `prometheus-pod-discovery-${ns}` });
  }
  // The per-client-IP rate limits of the Gateways count in this Redis (global rate limiting), as
  // each environment's edge reports it (constructs/api-gateway.ts, `globalRateLimit`).
  const rateLimited = facts.some((f) => f.globalRateLimit);
  if (rateLimited) {
    new RateLimitRedis(chart, 'rate-limit-redis', { namespace: RATE_LIMIT_NAMESPACE, image: pinnedImageRef(IMAGES.redis), clientNamespace: ENVOY_GATEWAY_NAMESPACE });
  }
  const esoNamespace = addOnOf('external-secrets').namespace;
  for (const e of members) {
    if (e.secrets.store.kind !== 'ClusterSecretStore') continue;
    new AwsClusterSecretStore(chart, `store-${e.name}`, {
      name: e.secrets.store.name,
      region: e.gitops.secretStore.region,
      roleArn: e.gitops.secretStore.roleArn,
      operatorNamespace: esoNamespace,
      allowedNamespaces: [e.namespace],
    });
  }
  declareStorageClasses(chart, clusterName, facts.flatMap((f) => f.storageClasses), { [CLUSTER_LABEL]: clusterName });
  const { manifests: out, dependencies } = chartObjects(chart);
  applySyncWaves(out, dependencies);
  for (const m of out) {
    // Checks of the cluster's environments read its configuration by this label (policies/cluster.ts).
    m.metadata['labels'] = { ...((m.metadata['labels'] ?? {}) as object), [CLUSTER_LABEL]: clusterName };
    // Their CRDs arrive with the add-ons; without this the first sync fails its dry run.
    if (!isBuiltInGroup(apiGroupOf(m.apiVersion))) {
      m.metadata['annotations'] = { ...((m.metadata['annotations'] ?? {}) as object), 'argocd.argoproj.io/sync-options': SKIP_DRY_RUN };
    }
  }
  return { manifests: out, namespaces: rateLimited ? [RATE_LIMIT_NAMESPACE] : [] };
}

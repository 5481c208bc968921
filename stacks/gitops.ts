/**
 * Argo CD delivery of every environment, rendered into `generated/argocd/`:
 *
 * - `root/`: what the root Application (app of apps) syncs into Argo CD's namespace: three
 *   AppProjects (environments, add-ons, and the root's own, the only one that reaches Argo CD's
 *   namespace and only for Applications and AppProjects), one Application per environment (`generated/<env>`), the cluster add-ons as
 *   Applications of their pinned upstream charts, and one `cluster-config-<cluster>` Application
 *   per destination cluster. The root Application manages itself after a one-time bootstrap.
 * - `clusters/<cluster>/`: objects of the add-ons that belong to our environments: the ACME
 *   ClusterIssuers their Certificates name, the GatewayClass their Gateways name, the
 *   ClusterSecretStore of each environment, and the StorageClasses their claims name.
 *
 * App of apps rather than an ApplicationSet: each environment differs in sync policy and revision
 * (automated on `main` in dev, manual on a tag in prod), and rendered Applications show those
 * differences in review and in `npm run diff` instead of hiding them in generator templates.
 *
 * Which add-ons a cluster gets follows from what its environments render: an add-on is declared
 * exactly when an object needs it (cert-manager for a Certificate, CloudNativePG for a Cluster,
 * the Prometheus Operator CRDs for a ServiceMonitor), and a custom resource with no add-on is an
 * error, not a failed sync.
 */
import { App, Chart, Duration } from 'cdk8s';
import type { Environment } from '../environments/schema/index.ts';
import { AcmeClusterIssuer } from '../constructs/acme-cluster-issuer.ts';
import { ArgoAppProject, type GroupKind } from '../constructs/argocd-app-project.ts';
import { ArgoApplication, chartSourceURL, type SyncPolicy } from '../constructs/argocd-application.ts';
import { ArgoHelmAddOn } from '../constructs/argocd-helm-add-on.ts';
import { AwsClusterSecretStore } from '../constructs/aws-cluster-secret-store.ts';
import { EnvoyGatewayClass } from '../constructs/envoy-gateway-class.ts';
import { PodDiscoveryGrant } from '../constructs/pod-discovery-grant.ts';
import { PROMETHEUS_NAME } from '../constructs/prometheus.ts';
import { RateLimitRedis, rateLimitRedisUrl } from '../constructs/rate-limit-redis.ts';
import { CLUSTER_LABEL, METRICS_API, reloadedSecretsOf, resourceMetricsOf, SECRET_RELOAD, type Capability } from '../policies/cluster.ts';
import { CLUSTER_ADD_ONS } from './cluster-add-ons.ts';
import { declareStorageClasses } from './cluster-storage.ts';
import { CHARTS, GATEWAY_API, IMAGES, pinnedImageRef, type PinnedChart } from '../constructs/versions.ts';
import { CLUSTER_SCOPED_KINDS, manifestsOf, toYaml, type Manifest, type RenderedFile } from './render.ts';
import { applySyncWaves, type Dependency } from './sync-waves.ts';
import { validateManifest } from './validate.ts';

/** Top-level directory of `generated/` holding the Argo CD objects. */
export const GITOPS_GROUP = 'argocd';
/** How Argo CD names the cluster it runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** API groups Argo CD itself serves; it is installed before anything here (bootstrap). */
export const BOOTSTRAP_GROUPS: ReadonlySet<string> = new Set(['argoproj.io']);

const ENV_PROJECT = 'agent-platform';
const ADD_ON_PROJECT = 'platform-add-ons';
/** The root Application's project: Applications and AppProjects in Argo CD's namespace, nothing else. */
const ROOT_PROJECT = 'platform-root';
/**
 * What a person applies once to start delivery (README, "Bootstrap"), in this order, as paths
 * under `generated/`: the root Application's own AppProject, then the root Application. Argo CD
 * does not reconcile an Application whose project does not exist (`InvalidSpecError`), and the
 * project is among what the root syncs, so the root applied alone never starts (found by
 * test/cluster/argo-cd.cluster.test.ts, which bootstraps from this list).
 */
export const BOOTSTRAP_FILES: readonly string[] = [`${GITOPS_GROUP}/root/appproject-${ROOT_PROJECT}.yaml`, `${GITOPS_GROUP}/root/application-${ENV_PROJECT}-root.yaml`];
const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';
/** Where Envoy Gateway runs, with the Envoy pods of every Gateway (its default deploy mode). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
/** The controller that serves our GatewayClass. */
const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
/** Namespace of the Redis the rate limit service counts in (rendered with the cluster's configuration). */
const RATE_LIMIT_NAMESPACE = 'edge-ratelimit';

/** What the environments deployed to one cluster render, as far as add-ons care. */
export interface ClusterUsage {
  /** API groups of the custom resources rendered for the cluster. */
  readonly groups: ReadonlySet<string>;
  /** GatewayClass names the Gateways use. */
  readonly gatewayClasses: ReadonlySet<string>;
  /** IAM role cert-manager assumes (IRSA) for DNS-01 in Route 53, agreed by the cluster's environments. */
  readonly certManagerRoleArn?: string;
  /** Whether a production environment runs on the cluster (add-ons then sync by hand too). */
  readonly production: boolean;
  /** Name of the cluster, for messages. */
  readonly cluster: string;
  /** What the objects need of the cluster besides CRDs (policies/cluster.ts): an API, a provisioner, a controller. */
  readonly needs: ReadonlySet<string>;
  /** IAM role of the EBS CSI driver's controller (`gitops.storage.ebsCsiRoleArn`), when set. */
  readonly ebsCsiRoleArn?: string;
}

/** One cluster add-on: its chart, namespace, the API groups it serves, and when it is needed. */
export interface AddOn {
  readonly key: string;
  readonly chart: PinnedChart;
  readonly namespace: string;
  readonly provides: readonly string[];
  /** What it gives the cluster besides CRDs, e.g. the metrics API. @default [] */
  readonly capabilities?: readonly Capability[];
  /** Cluster-scoped kinds its chart creates beyond the RBAC, webhook and CRD kinds every add-on may. @default [] */
  readonly clusterKinds?: readonly GroupKind[];
  /** Namespaces its chart writes into besides its own (e.g. a RoleBinding in kube-system). @default [] */
  readonly extraNamespaces?: readonly string[];
  /** Keys of add-ons whose resources its chart creates (it syncs after them, when they are installed). @default [] */
  readonly after?: readonly string[];
  readonly neededBy: (usage: ClusterUsage) => boolean;
  readonly values: (usage: ClusterUsage) => Record<string, unknown>;
  /** Keys of add-ons this one needs installed first (installed with it, synced before it). @default [] */
  readonly requires?: readonly string[];
  /** The chart's CRDs come from another add-on (Argo CD `skipCrds`). @default false */
  readonly skipCrds?: boolean;
}

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

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** API groups under `k8s.io` that are CRDs installed by an add-on, not served by Kubernetes. */
const ADD_ON_K8S_IO_GROUPS: ReadonlySet<string> = new Set(['gateway.networking.k8s.io']);

/** API groups served by Kubernetes itself. */
export function isBuiltInGroup(group: string): boolean {
  return /^$|\.k8s\.io$|^(apps|batch|autoscaling|policy)$/.test(group) && !ADD_ON_K8S_IO_GROUPS.has(group);
}

/** The add-on serving `group`, if any. */
export function addOnFor(group: string): AddOn | undefined {
  return ADD_ONS.find((a) => a.provides.includes(group));
}

/** What one cluster's environments need from its add-ons, read from their rendered objects. */
export function clusterUsage(envs: readonly Environment[], manifests: readonly Manifest[]): ClusterUsage {
  const groups = new Set<string>();
  const gatewayClasses = new Set<string>();
  const needs = new Set<string>();
  for (const m of manifests) {
    const group = apiGroup(m.apiVersion);
    if (!isBuiltInGroup(group)) groups.add(group);
    if (resourceMetricsOf(m).length > 0) needs.add(METRICS_API);
    if (reloadedSecretsOf(m).size > 0) needs.add(SECRET_RELOAD);
    if (m.kind === 'StorageClass' && typeof m['provisioner'] === 'string') needs.add(`provisioner:${m['provisioner']}`);
    const spec = (m['spec'] ?? {}) as Record<string, unknown>;
    if (m.kind === 'Gateway' && typeof spec['gatewayClassName'] === 'string') gatewayClasses.add(spec['gatewayClassName']);
  }
  const roles = [...new Set(envs.map((e) => e.gitops.acme.route53.roleArn))];
  if (roles.length > 1) {
    throw new Error(`environments ${envs.map((e) => e.name).join(', ')} share one cert-manager but name different gitops.acme.route53.roleArn (${roles.sort().join(', ')})`);
  }
  const ebsRoles = [...new Set(envs.flatMap((e) => (e.gitops.storage.ebsCsiRoleArn ? [e.gitops.storage.ebsCsiRoleArn] : [])))];
  if (ebsRoles.length > 1) throw new Error(`cluster of ${envs.map((e) => e.name).join(', ')}: environments name different gitops.storage.ebsCsiRoleArn (${ebsRoles.join(', ')}); one driver serves the cluster`);
  const cluster = envs[0]?.gitops.cluster.name ?? '';
  return { groups, gatewayClasses, certManagerRoleArn: roles[0], production: envs.some((e) => e.production), cluster, needs, ...(ebsRoles[0] ? { ebsCsiRoleArn: ebsRoles[0] } : {}) };
}

/** The one value every item agrees on, or an error naming who disagrees. */
function agreed<T>(envs: readonly Environment[], what: string, get: (e: Environment) => T): T {
  const values = new Map<string, string[]>();
  for (const e of envs) {
    const key = JSON.stringify(get(e));
    values.set(key, [...(values.get(key) ?? []), e.name]);
  }
  if (values.size !== 1) {
    const detail = [...values].map(([v, names]) => `${names.join(', ')}: ${v}`).join('; ');
    throw new Error(`environments must agree on ${what} (${detail})`);
  }
  return get(envs[0]!);
}

function syncPolicyOf(env: Environment): SyncPolicy {
  const s = env.gitops.sync;
  return {
    automated: s.automated,
    prune: s.prune,
    selfHeal: s.selfHeal,
    retry: { limit: s.retry.limit, backoff: goSeconds(s.retry.backoff), factor: s.retry.factor, maxBackoff: goSeconds(s.retry.maxBackoff) },
  };
}

/** A cdk8s Duration from a Go duration the schema accepted (`10s`, `5m`, `1h30m`). */
function goSeconds(text: string): Duration {
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)(h|m|s)/g)) seconds += Number(n) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  return Duration.seconds(seconds);
}

/** Kinds, sorted and unique, of manifests. */
function kindsOf(manifests: readonly Manifest[]): GroupKind[] {
  return [...new Map(manifests.map((m) => [`${apiGroup(m.apiVersion)}/${m.kind}`, { group: apiGroup(m.apiVersion), kind: m.kind }])).values()];
}

export interface GitOpsInput {
  readonly envs: readonly Environment[];
  /** Rendered objects of each environment, by environment name. */
  readonly rendered: ReadonlyMap<string, readonly Manifest[]>;
}

/** The Argo CD objects, as plain manifests with their paths under `generated/`; pure. */
export function buildGitOps(input: GitOpsInput): { path: string; manifest: Manifest }[] {
  const { envs, rendered } = input;
  if (envs.length === 0) throw new Error('no environments to deliver');
  const argoNamespace = agreed(envs, 'gitops.argoNamespace (one Argo CD instance delivers every environment)', (e) => e.gitops.argoNamespace);
  const repoURL = agreed(envs, 'gitops.repoURL', (e) => e.gitops.repoURL);
  const nonProd = envs.filter((e) => !e.production);
  // The root follows the branch non-production environments track: merging to it updates every
  // Application, including which tag production is pinned to; production still syncs by hand.
  const rootRevision = agreed(nonProd.length ? nonProd : envs, 'gitops.targetRevision of non-production environments', (e) => e.gitops.targetRevision);

  const clusters = new Map<string, Environment[]>();
  for (const e of envs) clusters.set(e.gitops.cluster.name, [...(clusters.get(e.gitops.cluster.name) ?? []), e]);
  for (const [name, members] of clusters) agreed(members, `the server of cluster ${name}`, (e) => e.gitops.cluster.server);

  const out: { path: string; manifest: Manifest }[] = [];
  const rootChart = new Chart(new App(), 'argocd', { namespace: argoNamespace, disableResourceNameHashes: true });
  const extra: { from: string; to: string; reason: string }[] = [];
  const addOnSources = new Set<string>();
  // Not Argo CD's namespace: only the root project may write there (Applications and AppProjects).
  const addOnDestinations: { server: string; namespace: string }[] = [];
  const clusterKinds: GroupKind[] = [];

  for (const [clusterName, members] of [...clusters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const server = members[0]!.gitops.cluster.server;
    const manifests = members.flatMap((e) => rendered.get(e.name) ?? []);
    const prodMember = members.find((e) => e.production);
    const addOnSync: SyncPolicy = prodMember ? { automated: false } : { automated: true, prune: true, selfHeal: true };
    const clusterRevision = agreed(members, `gitops.targetRevision of the environments on cluster ${clusterName}`, (e) => e.gitops.targetRevision);

    // Objects of our own add-on configuration on this cluster.
    const clusterChart = new Chart(new App(), `cluster-${clusterName}`, { disableResourceNameHashes: true });
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
      new AcmeClusterIssuer(clusterChart, `issuer-${name}`, { name, server: acme.server, email: acme.email, route53: acme.route53 });
    }
    for (const e of members) {
      if (e.network.gatewayNamespace !== ENVOY_GATEWAY_NAMESPACE) {
        throw new Error(`environment ${e.name}: network.gatewayNamespace is ${e.network.gatewayNamespace}, but the envoy-gateway add-on runs the Envoy pods in ${ENVOY_GATEWAY_NAMESPACE}`);
      }
      const certManager = ADD_ONS.find((a) => a.key === 'cert-manager')!.namespace;
      if (e.network.certManagerNamespace !== certManager) {
        throw new Error(`environment ${e.name}: network.certManagerNamespace is ${e.network.certManagerNamespace}, but the cert-manager add-on runs in ${certManager}`);
      }
    }
    for (const className of [...new Set(members.map((e) => e.ingress.gatewayClassName))].sort()) {
      new EnvoyGatewayClass(clusterChart, `gateway-class-${className}`, { name: className, controllerName: ENVOY_GATEWAY_CONTROLLER });
    }
    // Our own Prometheus of each environment scrapes its Gateway's Envoy pods and cert-manager
    // (stacks/app-tier.ts, podTargets) and may find those pods.
    const scrapers = members.filter((e) => e.monitoring.mode === 'plain');
    const discovered = new Map<string, { name: string; namespace: string }[]>();
    for (const e of scrapers) {
      for (const ns of [e.network.gatewayNamespace, e.network.certManagerNamespace]) discovered.set(ns, [...(discovered.get(ns) ?? []), { name: PROMETHEUS_NAME, namespace: e.namespace }]);
    }
    for (const [ns, accounts] of [...discovered].sort(([a], [b]) => (a < b ? -1 : 1))) {
      new PodDiscoveryGrant(clusterChart, `pod-discovery-${ns}`, { namespace: ns, serviceAccounts: accounts, name: `prometheus-pod-discovery-${ns}` });
    }
    // The per-client-IP rate limits of the Gateways count in this Redis (global rate limiting).
    const rateLimited = manifests.some((m) => m.kind === 'BackendTrafficPolicy' && ((m['spec'] ?? {}) as { rateLimit?: { global?: unknown } }).rateLimit?.global !== undefined);
    if (rateLimited) {
      new RateLimitRedis(clusterChart, 'rate-limit-redis', { namespace: RATE_LIMIT_NAMESPACE, image: pinnedImageRef(IMAGES.redis), clientNamespace: ENVOY_GATEWAY_NAMESPACE });
      addOnDestinations.push({ server, namespace: RATE_LIMIT_NAMESPACE });
    }
    const esoNamespace = ADD_ONS.find((a) => a.key === 'external-secrets')!.namespace;
    for (const e of members) {
      if (e.secrets.store.kind !== 'ClusterSecretStore') continue;
      new AwsClusterSecretStore(clusterChart, `store-${e.name}`, {
        name: e.secrets.store.name,
        region: e.gitops.secretStore.region,
        roleArn: e.gitops.secretStore.roleArn,
        operatorNamespace: esoNamespace,
        allowedNamespaces: [e.namespace],
      });
    }
    declareStorageClasses(clusterChart, clusterName, manifests, { [CLUSTER_LABEL]: clusterName });
    const clusterManifests = manifestsOf(clusterChart);
    applySyncWaves(clusterManifests);
    for (const m of clusterManifests) {
      // Checks of the cluster's environments read its configuration by this label (policies/cluster.ts).
      m.metadata['labels'] = { ...((m.metadata['labels'] ?? {}) as object), [CLUSTER_LABEL]: clusterName };
      // Their CRDs arrive with the add-ons; without this the first sync fails its dry run.
      if (!isBuiltInGroup(apiGroup(m.apiVersion))) {
        m.metadata['annotations'] = { ...((m.metadata['annotations'] ?? {}) as object), 'argocd.argoproj.io/sync-options': SKIP_DRY_RUN };
      }
    }
    const allUsage = clusterUsage(members, [...manifests, ...clusterManifests]);
    const wanted = new Set(ADD_ONS.filter((a) => a.neededBy(allUsage)).map((a) => a.key));
    for (const key of [...wanted]) for (const r of ADD_ONS.find((a) => a.key === key)!.requires ?? []) wanted.add(r);
    const needed = ADD_ONS.filter((a) => wanted.has(a.key));
    for (const group of [...allUsage.groups].sort()) {
      if (!BOOTSTRAP_GROUPS.has(group) && !needed.some((a) => a.provides.includes(group))) {
        throw new Error(`cluster ${clusterName}: custom resources of API group ${group} are rendered but no add-on in stacks/gitops.ts installs their CRDs`);
      }
    }

    const addOnNames = new Map<string, string>();
    for (const addOn of needed) {
      const name = `${addOn.key}-${clusterName}`;
      addOnNames.set(addOn.key, name);
      new ArgoHelmAddOn(rootChart, name, {
        name,
        argoNamespace,
        project: ADD_ON_PROJECT,
        chart: addOn.chart,
        server,
        namespace: addOn.namespace,
        values: addOn.values(allUsage),
        provides: addOn.provides,
        ...(addOn.capabilities ? { capabilities: addOn.capabilities } : {}),
        cluster: clusterName,
        skipCrds: addOn.skipCrds,
        sync: addOnSync,
      });
      addOnSources.add(chartSourceURL(addOn.chart));
      addOnDestinations.push({ server, namespace: addOn.namespace });
      for (const namespace of addOn.extraNamespaces ?? []) addOnDestinations.push({ server, namespace });
      clusterKinds.push(...(addOn.clusterKinds ?? []));
    }
    // `requires` is always installed with the add-on; `after` only orders against what is installed.
    for (const addOn of needed) {
      for (const dep of [...(addOn.after ?? []), ...(addOn.requires ?? [])]) {
        if (addOnNames.has(dep)) extra.push({ from: addOnNames.get(addOn.key)!, to: addOnNames.get(dep)!, reason: `needs ${dep}` });
      }
    }
    const configName = `cluster-config-${clusterName}`;
    new ArgoApplication(rootChart, configName, {
      name: configName,
      namespace: argoNamespace,
      project: ADD_ON_PROJECT,
      source: { repoURL, targetRevision: clusterRevision, path: `generated/${GITOPS_GROUP}/clusters/${clusterName}` },
      destination: { server, namespace: esoNamespace },
      sync: addOnSync,
    });
    // An Application waits for the add-ons its own objects need, found the same way as `needed`.
    const dependsOnAddOns = (from: string, own: ClusterUsage) => {
      for (const addOn of needed) if (addOn.neededBy(own)) extra.push({ from, to: addOnNames.get(addOn.key)!, reason: `needs ${addOn.key}` });
    };
    dependsOnAddOns(configName, clusterUsage(members, clusterManifests));
    for (const m of clusterManifests) {
      out.push({ path: `${GITOPS_GROUP}/clusters/${clusterName}/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`, manifest: m });
      if (CLUSTER_SCOPED_KINDS.has(m.kind)) clusterKinds.push({ group: apiGroup(m.apiVersion), kind: m.kind });
    }
    addOnDestinations.push({ server, namespace: esoNamespace });

    for (const e of members) {
      // `pulumi up` applies this environment's objects; an Application too would have Argo CD and
      // Pulumi fight over them. The cluster's add-ons above are still Argo CD's to install.
      if (e.delivery === 'pulumi') continue;
      const appName = `${ENV_PROJECT}-${e.name}`;
      new ArgoApplication(rootChart, appName, {
        name: appName,
        namespace: argoNamespace,
        project: ENV_PROJECT,
        source: { repoURL, targetRevision: e.gitops.targetRevision, path: `generated/${e.name}` },
        destination: { server, namespace: e.namespace },
        sync: syncPolicyOf(e),
        labels: { 'agent-platform.io/environment': e.name },
      });
      dependsOnAddOns(appName, clusterUsage([e], rendered.get(e.name) ?? []));
      extra.push({ from: appName, to: configName, reason: 'reads its ClusterSecretStore and ClusterIssuer' });
    }
  }

  const envManifests = envs.flatMap((e) => rendered.get(e.name) ?? []);
  new ArgoAppProject(rootChart, 'env-project', {
    name: ENV_PROJECT,
    namespace: argoNamespace,
    description: 'The agent platform environments rendered into generated/<env>.',
    sourceRepos: [repoURL],
    destinations: envs.map((e) => ({ server: e.gitops.cluster.server, namespace: e.namespace })),
    // Exactly the kinds the environments render: a new kind is a reviewed change to this list.
    clusterResources: kindsOf(envManifests.filter((m) => CLUSTER_SCOPED_KINDS.has(m.kind))),
    namespaceResources: kindsOf(envManifests.filter((m) => !CLUSTER_SCOPED_KINDS.has(m.kind))),
  });
  const addOnCluster: GroupKind[] = [
    ...['ClusterRole', 'ClusterRoleBinding'].map((kind) => ({ group: 'rbac.authorization.k8s.io', kind })),
    ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map((kind) => ({ group: 'admissionregistration.k8s.io', kind })),
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: '', kind: 'Namespace' },
    ...clusterKinds,
  ];
  new ArgoAppProject(rootChart, 'add-on-project', {
    name: ADD_ON_PROJECT,
    namespace: argoNamespace,
    description: 'Cluster add-ons (pinned upstream charts) and their per-cluster configuration; never Argo CD\'s own namespace.',
    sourceRepos: [repoURL, ...addOnSources],
    destinations: addOnDestinations,
    clusterResources: addOnCluster,
  });
  new ArgoAppProject(rootChart, 'root-project', {
    name: ROOT_PROJECT,
    namespace: argoNamespace,
    description: 'The root Application: the Applications and AppProjects under generated/argocd/root, and nothing else in Argo CD\'s namespace.',
    sourceRepos: [repoURL],
    destinations: [{ server: IN_CLUSTER, namespace: argoNamespace }],
    // Argo CD's Secrets, argocd-cm and argocd-rbac-cm stay out of reach of a merge to main.
    namespaceResources: ['Application', 'AppProject'].map((kind) => ({ group: 'argoproj.io', kind })),
  });
  new ArgoApplication(rootChart, 'root', {
    name: `${ENV_PROJECT}-root`,
    namespace: argoNamespace,
    project: ROOT_PROJECT,
    source: { repoURL, targetRevision: rootRevision, path: `generated/${GITOPS_GROUP}/root` },
    destination: { server: IN_CLUSTER, namespace: argoNamespace },
    // Pruning an Application here removes only the Application: none carries the cascade
    // finalizer, so a deleted environment's objects stay until someone removes them on purpose.
    sync: { automated: true, prune: true, selfHeal: true },
  });

  const rootManifests = manifestsOf(rootChart);
  const byName = new Map(rootManifests.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
  const deps: Dependency[] = extra.map((d) => ({ from: byName.get(`Application/${d.from}`)!, to: byName.get(`Application/${d.to}`)!, reason: d.reason }));
  applySyncWaves(rootManifests, deps);
  for (const m of rootManifests) out.push({ path: `${GITOPS_GROUP}/root/${m.kind.toLowerCase()}-${m.metadata.name}.yaml`, manifest: m });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The files of `generated/argocd/`, each validated against its CRD schema. */
export async function renderGitOps(envs: readonly Environment[], envFiles: readonly RenderedFile[]): Promise<RenderedFile[]> {
  const rendered = new Map<string, Manifest[]>();
  for (const f of envFiles) {
    const env = f.path.slice(0, f.path.indexOf('/'));
    rendered.set(env, [...(rendered.get(env) ?? []), f.manifest]);
  }
  const files: RenderedFile[] = [];
  const seen = new Set<string>();
  for (const { path, manifest } of buildGitOps({ envs, rendered })) {
    if (seen.has(path)) throw new Error(`generated/${path}: two objects render to this file (${manifest.kind} ${manifest.metadata.name})`);
    seen.add(path);
    await validateManifest(manifest, `generated/${path} (${manifest.kind} ${manifest.metadata.name})`);
    files.push({ path, content: toYaml(manifest, '*'), manifest });
  }
  return files;
}

/**
 * Every third-party image and Helm chart version, in one place (STYLE lesson 4). Our own service
 * image is per environment (`environments/<env>.yaml`, `images.service`), because environments
 * promote it at their own pace.
 *
 * Images are pinned to an exact release tag; production environments additionally require digests
 * where the policy says so.
 */

/** A third-party image: repository and exact tag. */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
  /** Content digest, when known; appended as `@sha256:...`. */
  readonly digest?: string;
}

export const IMAGES = {
  // Entries are added by the components that use them (data tier, monitoring).
  // Data tier. Postgres 16 with pgvector (design 004's image, pinned to a pgvector release).
  postgres: { repository: 'pgvector/pgvector', tag: '0.8.0-pg16' },
  // CloudNativePG operand: the "system" variant carries pgvector and Barman Cloud (needed by the
  // in-tree barmanObjectStore backups); pinned from the upstream ClusterImageCatalog.
  cloudNativePgPostgres: {
    repository: 'ghcr.io/cloudnative-pg/postgresql',
    tag: '16.13-202602261637-system-bookworm',
    digest: 'sha256:350f717de1e417cf017c10716378f5614a85361d9acb3c3e630b3704f30eb2ce',
  },
  postgresExporter: { repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.17.1' },
  // The Debian variant rather than 7-alpine: the backup and restore scripts need bash.
  redis: { repository: 'redis', tag: '7.4.2-bookworm' },
  redisExporter: { repository: 'oliver006/redis_exporter', tag: 'v1.67.0' },
  elasticsearch: { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.17.4' },
  elasticsearchExporter: { repository: 'quay.io/prometheuscommunity/elasticsearch-exporter', tag: 'v1.9.0' },
  // Uploads and downloads of backups (official AWS CLI v2 image; has bash and coreutils).
  awsCli: { repository: 'amazon/aws-cli', tag: '2.24.10' },
  // Monitoring. Configuration is checked with promtool 2.42 / amtool 0.25 (Debian bookworm) and
  // uses only fields those versions know, which these newer servers still accept.
  prometheus: { repository: 'quay.io/prometheus/prometheus', tag: 'v2.55.1' },
  alertmanager: { repository: 'quay.io/prometheus/alertmanager', tag: 'v0.27.0' },
  grafana: { repository: 'docker.io/grafana/grafana', tag: '11.6.1' },
  kubeStateMetrics: { repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.15.0' },
} as const satisfies Record<string, PinnedImage>;

/** Until when upstream supports a pinned release (security fixes), and where that is published. */
export interface SupportWindow {
  readonly endOfSupport: string;
  readonly source: string;
}

/** An upstream Helm chart at an exact version, installed as an Argo CD Application. */
export interface PinnedChart {
  /**
   * Helm repository URL (`index.yaml` lives there), or `oci://<registry>/<namespace>` for a chart
   * published to an OCI registry (the chart is then `<repoURL>/<chart>`).
   */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version; ranges would let a cluster add-on change without a commit. */
  readonly version: string;
  readonly support?: SupportWindow;
}

/**
 * Envoy Gateway's support window per minor release, from its compatibility matrix: v1.9 is
 * supported until 2027-02-14 and is built against Gateway API v1.6.1.
 */
const ENVOY_GATEWAY_SUPPORT: SupportWindow = { endOfSupport: '2027-02-14', source: 'https://gateway.envoyproxy.io/news/releases/matrix/' };

/**
 * The Gateway API release whose standard-channel CRDs the clusters run: the one Envoy Gateway
 * v1.9 is compiled against, installed by its `gateway-crds-helm` chart (`crds.gatewayAPI.channel:
 * standard`; its templates/standard-gatewayapi-crds.yaml carries `bundle-version: v1.6.1`).
 * Gateway API publishes no end-of-support dates; it is supported as long as the Envoy Gateway
 * release bundling it.
 */
export const GATEWAY_API = { version: 'v1.6.1', channel: 'standard', support: ENVOY_GATEWAY_SUPPORT } as const;

/** Cluster add-ons the rendered objects rely on (see `stacks/gitops.ts`). */
export const CHARTS = {
  certManager: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2' },
  // The edge (Gateway API). OCI charts on Docker Hub; v1.9.1 is the newest v1.9 patch (Go module
  // proxy, github.com/envoyproxy/gateway, 2026-08-28). The CRDs come from their own chart so the
  // Gateway API CRDs are the standard channel, not the experimental set gateway-helm bundles.
  envoyGateway: { repoURL: 'oci://registry-1.docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.1', support: ENVOY_GATEWAY_SUPPORT },
  gatewayCrds: { repoURL: 'oci://registry-1.docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.1', support: ENVOY_GATEWAY_SUPPORT },
  // 0.17 is the first release serving external-secrets.io/v1, the version our ExternalSecrets use.
  externalSecrets: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '0.19.2' },
  cloudNativePg: { repoURL: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.23.0' },
  prometheusOperatorCrds: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '17.0.2' },
} as const satisfies Record<string, PinnedChart>;

/** `repository:tag[@digest]` of a pinned image. */
export function pinnedImageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

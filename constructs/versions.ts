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

/** When upstream stops supporting a pinned version, and where that is written. */
export interface SupportWindow {
  /** `YYYY-MM-DD`. */
  readonly endOfSupport: string;
  readonly source: string;
}

/** An upstream Helm chart at an exact version, installed as an Argo CD Application. */
export interface PinnedChart {
  /** Helm repository URL (`index.yaml` lives there). */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version; ranges would let a cluster add-on change without a commit. */
  readonly version: string;
  readonly support?: SupportWindow;
}

/** Cluster add-ons the rendered objects rely on (see `stacks/gitops.ts`). */
export const CHARTS = {
  certManager: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2' },
  ingressNginx: { repoURL: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.12.0' },
  // 0.17 is the first release serving external-secrets.io/v1, the version our ExternalSecrets use.
  externalSecrets: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '0.19.2' },
  cloudNativePg: { repoURL: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.23.0' },
  prometheusOperatorCrds: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '17.0.2' },
  // metrics-server 0.8.1 (chart 3.13.1, 2026-06): Kubernetes 1.31+. Upstream maintains only its
  // newest minor and publishes no end date; the date is a review deadline one release cycle on.
  metricsServer: {
    repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chart: 'metrics-server',
    version: '3.13.1',
    support: { endOfSupport: '2027-06-30', source: 'https://github.com/kubernetes-sigs/metrics-server#compatibility-matrix' },
  },
  // Driver 1.64.0 (chart 2.64.0, 2026-08-18), the newest release verifiable here. Upstream supports
  // the latest and one prior minor with monthly releases; v1.67.1 was published 2026-10-20
  // (pkg.go.dev), so this one is already past support: bump it to the current chart.
  awsEbsCsiDriver: {
    repoURL: 'https://kubernetes-sigs.github.io/aws-ebs-csi-driver',
    chart: 'aws-ebs-csi-driver',
    version: '2.64.0',
    support: { endOfSupport: '2026-10-20', source: 'https://github.com/kubernetes-sigs/aws-ebs-csi-driver#support' },
  },
  // Reloader v1.4.21 (chart 2.2.16, 2026-08-10). Upstream fixes only the newest release and
  // publishes no end date; the date is a review deadline six months on.
  reloader: {
    repoURL: 'https://stakater.github.io/stakater-charts',
    chart: 'reloader',
    version: '2.2.16',
    support: { endOfSupport: '2027-02-10', source: 'https://github.com/stakater/Reloader/releases' },
  },
} as const satisfies Record<string, PinnedChart>;

/** `repository:tag[@digest]` of a pinned image. */
export function pinnedImageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

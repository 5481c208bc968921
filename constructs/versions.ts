/**
 * Every third-party image and Helm chart version, in one place (STYLE lesson 4). Our own service
 * image is per environment (`environments/<env>.yaml`, `images.service`), because environments
 * promote it at their own pace.
 *
 * Images are pinned to an exact release tag; production environments additionally require digests
 * where the policy says so.
 */

/**
 * Until when upstream fixes the pinned release (security and bugs), and where that date comes
 * from. `npm run policy` (rule `component-supported`) warns from 60 days before `endOfSupport`
 * and fails from that day on.
 *
 * Projects with a published window give the date directly. Projects that only ever fix their
 * latest release and publish no window (the exporters, Alertmanager, kube-state-metrics, the
 * Barman Cloud plugin, External Secrets, the Prometheus Operator CRDs, aws-cli) get our refresh
 * bound instead: 12 months after the pinned release, said so in `source`.
 */
export interface SupportWindow {
  /** `YYYY-MM-DD` (UTC): the first day the pinned release is no longer supported. */
  readonly endOfSupport: string;
  /** The upstream page stating the window, and how the date follows from it. */
  readonly source: string;
}

/** A third-party image: repository and exact tag. */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
  /** Content digest, when known; appended as `@sha256:...`. */
  readonly digest?: string;
  readonly support: SupportWindow;
}

export const IMAGES = {
  // Entries are added by the components that use them (data tier, monitoring).
  // Data tier. Postgres 16 with pgvector (the guides' image, pinned to a pgvector release).
  postgres: {
    repository: 'pgvector/pgvector',
    tag: '0.8.0-pg16',
    // pgvector publishes no window of its own; the image is as supported as its Postgres major.
    support: { endOfSupport: '2028-11-09', source: 'https://www.postgresql.org/support/versioning/ (PostgreSQL 16: final release 2028-11-09)' },
  },
  // CloudNativePG operand: the "system" variant carries pgvector and Barman Cloud; pinned from the
  // upstream ClusterImageCatalog.
  cloudNativePgPostgres: {
    repository: 'ghcr.io/cloudnative-pg/postgresql',
    tag: '16.13-202602261637-system-bookworm',
    digest: 'sha256:350f717de1e417cf017c10716378f5614a85361d9acb3c3e630b3704f30eb2ce',
    support: { endOfSupport: '2028-11-09', source: 'https://www.postgresql.org/support/versioning/ (PostgreSQL 16: final release 2028-11-09)' },
  },
  postgresExporter: {
    repository: 'quay.io/prometheuscommunity/postgres-exporter',
    tag: 'v0.20.1',
    support: { endOfSupport: '2027-07-14', source: 'no published window, fixes go to the latest release only (https://github.com/prometheus-community/postgres_exporter/releases); our bound: 12 months after v0.20.1, in prometheus-community/helm-charts by 2026-07-14' },
  },
  // The Debian variant rather than 7-alpine: the backup and restore scripts need bash.
  redis: {
    repository: 'redis',
    tag: '7.4.11-bookworm',
    // Index digest (all platforms) from docker-library/repo-info repos/redis/remote/7.4.11-bookworm.md.
    digest: 'sha256:c6eabf748fc7a61dbb5a705c78bcf3d6377b1127a97d0ce965c11c44ba46896f',
    support: { endOfSupport: '2029-12-01', source: 'https://redis.io/docs/latest/operate/oss_and_stack/stack-with-enterprise/release-notes/ via https://endoflife.date/redis (7.4: end of life 2029-12-01)' },
  },
  redisExporter: {
    repository: 'oliver006/redis_exporter',
    tag: 'v1.89.0',
    support: { endOfSupport: '2027-08-09', source: 'no published window, fixes go to the latest release only (https://github.com/oliver006/redis_exporter/releases); our bound: 12 months after v1.89.0, in prometheus-community/helm-charts by 2026-08-09' },
  },
  elasticsearch: {
    // Docker's official-image build of Elastic's image (same Dockerfile, uid 1000), because its
    // digest is published: index digest from docker-library/repo-info
    // repos/elasticsearch/remote/8.19.20.md. docker.elastic.co publishes none we could cite.
    repository: 'elasticsearch',
    tag: '8.19.20',
    digest: 'sha256:7c6a3d514563848873ae3e0e2e36502382842ebae38134a59e91214e8fcdabf3',
    // 8.17 left support on 2025-08-12; 8.19 is the last 8.x minor, with the longest window.
    support: { endOfSupport: '2027-07-15', source: 'https://www.elastic.co/support/eol (Elasticsearch 8.19: end of life 2027-07-15)' },
  },
  elasticsearchExporter: {
    repository: 'quay.io/prometheuscommunity/elasticsearch-exporter',
    tag: 'v1.11.0',
    support: { endOfSupport: '2027-07-13', source: 'no published window, fixes go to the latest release only (https://github.com/prometheus-community/elasticsearch_exporter/releases); our bound: 12 months after v1.11.0, in prometheus-community/helm-charts by 2026-07-13' },
  },
  // Uploads and downloads of backups (official AWS CLI v2 image; has bash and coreutils).
  awsCli: {
    repository: 'amazon/aws-cli',
    tag: '2.36.48',
    support: { endOfSupport: '2027-09-18', source: 'AWS CLI v2 is in full support with no announced end (https://docs.aws.amazon.com/sdkref/latest/guide/maint-policy.html), fixes go to the latest 2.x only; our bound: 12 months after 2.36.48, the latest on 2026-09-18' },
  },
  // Monitoring. The tests check the configuration with promtool and amtool built from these two
  // tags (tools/go-tools/pins.ts derives the Go module versions from them).
  prometheus: {
    repository: 'quay.io/prometheus/prometheus',
    // The 3.13 long-term-support release (2.55 was never LTS and left support in 2025).
    tag: 'v3.13.2',
    support: { endOfSupport: '2027-07-31', source: 'https://prometheus.io/docs/introduction/release-cycle/ (3.13 LTS: supported until 2027-07-31)' },
  },
  alertmanager: {
    repository: 'quay.io/prometheus/alertmanager',
    tag: 'v0.34.0',
    support: { endOfSupport: '2027-08-16', source: 'no published window, fixes go to the latest release only (https://github.com/prometheus/alertmanager/releases); our bound: 12 months after v0.34.0, in prometheus-community/helm-charts by 2026-08-16' },
  },
  grafana: {
    repository: 'docker.io/grafana/grafana',
    // 11.6 left support on 2026-06-25; 12.4, the last 12.x minor, is supported longest.
    tag: '12.4.9',
    support: { endOfSupport: '2027-05-24', source: 'https://grafana.com/docs/grafana/latest/upgrade-guide/when-to-upgrade/#what-to-know-about-version-support (12.4: security fixes until 2027-05-24, per https://endoflife.date/grafana)' },
  },
  kubeStateMetrics: {
    repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics',
    tag: 'v2.20.0',
    support: { endOfSupport: '2027-08-18', source: 'no published window, fixes go to the latest release only (https://github.com/kubernetes/kube-state-metrics#compatibility-matrix); our bound: 12 months after v2.20.0, in prometheus-community/helm-charts by 2026-08-18' },
  },
} as const satisfies Record<string, PinnedImage>;

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
  /** Support of the application the chart installs (its `appVersion`). */
  readonly support: SupportWindow;
  /**
   * The chart's `appVersion` (its Chart.yaml), where it is not the chart version and something
   * reads the application's own source at that release (test/cluster/crds.ts takes the CRDs from it).
   * @default the chart version
   */
  readonly appVersion?: string;
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
  certManager: {
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.21.1',
    // "End of life: release of 1.23"; releases come every 4 months (1.20 2026-03-10, 1.21 2026-07-08).
    support: { endOfSupport: '2027-03-09', source: 'https://cert-manager.io/docs/releases/ (1.21 is supported until 1.23 is released, expected 2027-03 on the 4-month cadence)' },
  },
  // The edge (Gateway API). OCI charts on Docker Hub; v1.9.1 is the newest v1.9 patch (Go module
  // proxy, github.com/envoyproxy/gateway, 2026-08-28). The CRDs come from their own chart so the
  // Gateway API CRDs are the standard channel, not the experimental set gateway-helm bundles.
  envoyGateway: { repoURL: 'oci://registry-1.docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.1', support: ENVOY_GATEWAY_SUPPORT },
  gatewayCrds: { repoURL: 'oci://registry-1.docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.1', support: ENVOY_GATEWAY_SUPPORT },
  // 0.17 is the first release serving external-secrets.io/v1, the version our ExternalSecrets use.
  externalSecrets: {
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    appVersion: 'v2.9.0',
    support: { endOfSupport: '2027-08-08', source: 'https://external-secrets.io/latest/introduction/stability-support/ supports only the current minor (a new one every few weeks); our bound: 12 months after 2.9.0 (2026-08-08)' },
  },
  // Operator 1.30, the only supported minor. Its in-tree barmanObjectStore is deprecated and
  // removed in 1.31 (1.30 release notes), so backups go through the Barman Cloud plugin below.
  // 1.30 supports Kubernetes 1.34-1.36, which holds our target (constructs/k8s.ts).
  cloudNativePg: {
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'cloudnative-pg',
    version: '0.29.0',
    // charts/cloudnative-pg/Chart.yaml at tag cloudnative-pg-v0.29.0 of cloudnative-pg/charts.
    appVersion: '1.30.0',
    // The policy is "until three months after the next minor"; the table's "~ Dec 2026" assumed
    // 1.31.0 in September, which had not shipped by 2026-11-28 (our last check), so 1.30 is
    // supported at least until 2027-02-28. The 60-day warning from 2026-12-30 is the cue to re-check.
    support: { endOfSupport: '2027-02-28', source: 'https://cloudnative-pg.io/documentation/current/supported_releases/ (1.30: supported until 3 months after 1.31.0, which was unreleased on 2026-11-28)' },
  },
  // The Barman Cloud plugin (CNPG-I) for WAL archiving and base backups: serves the ObjectStore
  // kind (barmancloud.cnpg.io/v1), needs cert-manager and runs beside the operator.
  barmanCloudPlugin: {
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'plugin-barman-cloud',
    version: '0.8.0',
    appVersion: 'v0.15.0',
    support: { endOfSupport: '2027-09-05', source: 'no published window, fixes go to the latest release only (https://github.com/cloudnative-pg/plugin-barman-cloud/releases); our bound: 12 months after chart 0.8.0 (plugin v0.15.0, 2026-09-05)' },
  },
  prometheusOperatorCrds: {
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'prometheus-operator-crds',
    version: '31.0.1',
    appVersion: 'v0.93.1',
    support: { endOfSupport: '2027-08-10', source: 'no published window, fixes go to the latest release only (https://github.com/prometheus-operator/prometheus-operator/releases); our bound: 12 months after 31.0.1 (operator v0.93.1, 2026-08-10)' },
  },
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

/**
 * Argo CD, which serves the Application and AppProject kinds of `generated/argocd/` and is
 * installed once per cluster by hand (docs/gitops.md, "Bootstrap"): not rendered, so pinned here for the
 * install instructions and the support check. Its CRDs are `argoproj.io/v1alpha1` from 2.x to 3.x.
 */
export const ARGO_CD = {
  // v3.5.3 (2026-09-14), not v3.5.1: the test harness builds the application controller and repo
  // server from the Go module proxy, and the proxy serves the nested gitops-engine module (which
  // argo-cd's go.mod replaces with its ./gitops-engine directory, left out of the module zip) at the
  // commits of v3.5.2 and v3.5.3 only; v3.6.x needs Go 1.27 and Kubernetes 0.37 (tools/go-tools/pins.ts).
  version: 'v3.5.3',
  installManifest: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.3/manifests/install.yaml',
  // The three latest minors are supported; minors come quarterly (3.3 Feb, 3.4 May, 3.5 Aug 2026).
  support: { endOfSupport: '2027-05-04', source: 'https://github.com/argoproj/argo-cd/security/policy#supported-versions (3.5 is supported until 3.8 is released, expected 2027-05 on the quarterly cadence)' },
} as const satisfies { readonly version: string; readonly installManifest: string; readonly support: SupportWindow };

/**
 * The Kubernetes minor the output targets: its Pod Security Standards version labels every namespace
 * we render, and the control plane of test/cluster/ is built at it (tools/go-tools/pins.ts). 1.36,
 * because 1.33 left upstream support on 2026-06-28 and CloudNativePG 1.30 supports 1.34-1.36
 * (`CHARTS.cloudNativePg`). The clusters must run this minor or a newer one the operators support.
 */
export const KUBERNETES = {
  version: '1.36',
  support: { endOfSupport: '2027-06-28', source: 'https://kubernetes.io/releases/1.36/ (End Of Life Date; maintenance mode from 2027-04-28)' },
} as const satisfies { readonly version: string; readonly support: SupportWindow };

/** `repository:tag[@digest]` of a pinned image. */
export function pinnedImageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

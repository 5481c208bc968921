/**
 * Every metric an alert or a dashboard may query, with the scrape job that exports it. Alerts and
 * dashboards write PromQL through {@link promql}, whose interpolations can only be registered
 * metrics, so a renamed metric is a type error, and the set of jobs a query needs is known exactly:
 * the monitoring tier renders a rule or a panel only when every job it needs is scraped.
 *
 * Names of the service's metrics are the ones it exports (docs/design-inputs.md, "Metrics the app exports");
 * exporter metrics are the names those exporters really publish (postgres_exporter, CloudNativePG's
 * instance exporter, redis_exporter, elasticsearch_exporter, kube-state-metrics).
 */

/**
 * Scrape jobs that export metrics, by their Prometheus `job` label. A {@link ScrapeTarget}'s `job`
 * must be one of these for its metrics to be queried.
 */
export const METRIC_SOURCES = [
  'agent-api',
  'langmem',
  'postgres-exporter',
  'cloudnative-pg',
  'redis-exporter',
  'elasticsearch-exporter',
  'kube-state-metrics',
  'alertmanager',
  // Our own Prometheus's self-scrape (plain mode only).
  'prometheus',
  // The edge: the Gateway's Envoy pods and cert-manager (pods of other namespaces).
  'envoy',
  'cert-manager',
] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

/** `up` is written by Prometheus for every job, so it needs no particular one (`any`). */
export type MetricOrigin = MetricSource | 'any';

export interface MetricInfo {
  readonly origin: MetricOrigin;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
}

const m = (origin: MetricOrigin, type: MetricInfo['type'], help: string): MetricInfo => ({ origin, type, help });

/** The registry. Histograms are registered by the series actually queried (`_bucket`, `_sum`, `_count`). */
export const METRICS = {
  up: m('any', 'gauge', '1 when the last scrape of the target succeeded'),

  // the service's request and resource metrics
  multiagent_requests_total: m('agent-api', 'counter', 'HTTP requests by status code'),
  multiagent_request_duration_seconds_bucket: m('agent-api', 'histogram', 'request latency buckets'),
  multiagent_active_agents: m('agent-api', 'gauge', 'agents currently running'),
  multiagent_cpu_usage_percent: m('agent-api', 'gauge', 'CPU use of the process, percent of one core'),
  multiagent_memory_usage_bytes: m('agent-api', 'gauge', 'resident memory of the process'),
  multiagent_customer_satisfaction_score: m('agent-api', 'gauge', 'rolling customer satisfaction score'),
  // per-agent metrics
  agent_requests_total: m('agent-api', 'counter', 'requests handled per agent_type'),
  agent_response_time_seconds_bucket: m('agent-api', 'histogram', 'agent response time buckets per agent_type'),
  agent_errors_total: m('agent-api', 'counter', 'agent errors per agent_type'),
  // LangMem, served on /metrics/memory
  langmem_operations_total: m('langmem', 'counter', 'memory operations by operation, namespace and status'),
  langmem_search_duration_seconds_bucket: m('langmem', 'histogram', 'memory search latency buckets'),
  langmem_store_size_bytes: m('langmem', 'gauge', 'stored memories per namespace'),
  langmem_consolidation_duration_seconds_bucket: m('langmem', 'histogram', 'consolidation run time buckets'),

  // postgres_exporter
  pg_up: m('postgres-exporter', 'gauge', '1 when the exporter can reach Postgres'),
  pg_stat_database_numbackends: m('postgres-exporter', 'gauge', 'open connections per database'),
  pg_settings_max_connections: m('postgres-exporter', 'gauge', 'the max_connections setting'),
  pg_stat_database_deadlocks: m('postgres-exporter', 'counter', 'deadlocks detected per database'),
  pg_stat_database_xact_commit: m('postgres-exporter', 'counter', 'committed transactions per database'),
  pg_stat_database_xact_rollback: m('postgres-exporter', 'counter', 'rolled back transactions per database'),
  pg_locks_count: m('postgres-exporter', 'gauge', 'locks held per database and mode'),
  pg_replication_lag_seconds: m('postgres-exporter', 'gauge', 'replay lag of a standby'),

  // CloudNativePG instances (built-in exporter and its default queries, prefixed `cnpg_`)
  cnpg_collector_up: m('cloudnative-pg', 'gauge', '1 when the instance manager can reach its Postgres'),
  cnpg_backends_total: m('cloudnative-pg', 'gauge', 'backends per database, user, application and state'),
  cnpg_pg_settings_setting: m('cloudnative-pg', 'gauge', 'numeric pg_settings values by name'),
  cnpg_pg_stat_database_deadlocks: m('cloudnative-pg', 'counter', 'deadlocks detected per database'),
  cnpg_pg_stat_database_xact_commit: m('cloudnative-pg', 'counter', 'committed transactions per database'),
  cnpg_pg_stat_database_xact_rollback: m('cloudnative-pg', 'counter', 'rolled back transactions per database'),
  cnpg_pg_replication_lag: m('cloudnative-pg', 'gauge', 'replay lag of a standby in seconds (0 on the primary)'),
  // pg_stat_archiver, from the default monitoring queries (config/manager/default-monitoring.yaml,
  // query `pg_stat_archiver`, run on the primary only); times are epoch seconds, -1 when never.
  cnpg_pg_stat_archiver_failed_count: m('cloudnative-pg', 'counter', 'failed attempts to archive a WAL file'),
  cnpg_pg_stat_archiver_last_archived_time: m('cloudnative-pg', 'gauge', 'unix time WAL archiving last succeeded (-1: never)'),
  cnpg_pg_stat_archiver_last_failed_time: m('cloudnative-pg', 'gauge', 'unix time WAL archiving last failed (-1: never)'),
  // Base backups through the in-tree `barmanObjectStore` (deprecated from CloudNativePG 1.26; with a
  // backup plugin they are no longer updated and stay 0).
  cnpg_collector_last_available_backup_timestamp: m('cloudnative-pg', 'gauge', 'unix time of the newest available base backup (in-tree Barman)'),
  cnpg_collector_last_failed_backup_timestamp: m('cloudnative-pg', 'gauge', 'unix time of the newest failed base backup (in-tree Barman)'),
  // Base backups through the Barman Cloud plugin, served by the same instance exporter
  // (https://cloudnative-pg.io/plugin-barman-cloud/docs/observability).
  barman_cloud_cloudnative_pg_io_last_available_backup_timestamp: m('cloudnative-pg', 'gauge', 'unix time of the newest available base backup (Barman Cloud plugin)'),
  barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp: m('cloudnative-pg', 'gauge', 'unix time of the newest failed base backup (Barman Cloud plugin)'),

  // redis_exporter
  redis_up: m('redis-exporter', 'gauge', '1 when the exporter can reach Redis'),
  redis_memory_used_bytes: m('redis-exporter', 'gauge', 'memory used by Redis'),
  redis_memory_max_bytes: m('redis-exporter', 'gauge', 'the maxmemory setting (0: unlimited)'),
  redis_rejected_connections_total: m('redis-exporter', 'counter', 'connections refused at maxclients'),
  redis_connected_clients: m('redis-exporter', 'gauge', 'connected clients'),
  redis_keyspace_hits_total: m('redis-exporter', 'counter', 'successful key lookups'),
  redis_keyspace_misses_total: m('redis-exporter', 'counter', 'failed key lookups'),

  // elasticsearch_exporter
  elasticsearch_cluster_health_status: m('elasticsearch-exporter', 'gauge', '1 for the current colour (green, yellow, red)'),
  elasticsearch_cluster_health_unassigned_shards: m('elasticsearch-exporter', 'gauge', 'shards not allocated to a node'),
  elasticsearch_jvm_memory_used_bytes: m('elasticsearch-exporter', 'gauge', 'JVM memory used per area'),
  elasticsearch_jvm_memory_max_bytes: m('elasticsearch-exporter', 'gauge', 'JVM memory limit per area'),
  elasticsearch_filesystem_data_available_bytes: m('elasticsearch-exporter', 'gauge', 'free bytes on the data path'),
  elasticsearch_filesystem_data_size_bytes: m('elasticsearch-exporter', 'gauge', 'size of the data path'),

  // kube-state-metrics (namespace-scoped: pods, jobs, cronjobs, deployments, statefulsets)
  kube_pod_container_status_waiting_reason: m('kube-state-metrics', 'gauge', '1 while a container waits, per reason'),
  kube_pod_container_status_restarts_total: m('kube-state-metrics', 'counter', 'container restarts'),
  kube_cronjob_status_last_successful_time: m('kube-state-metrics', 'gauge', 'unix time of the last successful run'),
  kube_cronjob_created: m('kube-state-metrics', 'gauge', 'unix time the CronJob was created'),
  kube_deployment_spec_replicas: m('kube-state-metrics', 'gauge', 'replicas a Deployment asks for (set by its HPA when it has one)'),
  kube_deployment_status_replicas_available: m('kube-state-metrics', 'gauge', 'replicas of a Deployment ready for minReadySeconds'),
  kube_statefulset_replicas: m('kube-state-metrics', 'gauge', 'replicas a StatefulSet asks for'),
  kube_statefulset_status_replicas_ready: m('kube-state-metrics', 'gauge', 'replicas of a StatefulSet that are ready'),

  // the edge (Envoy's /stats/prometheus, cert-manager's controller)
  envoy_http_downstream_rq_xx: m('envoy', 'counter', 'requests answered by Envoy, by response code class'),
  envoy_cluster_membership_healthy: m('envoy', 'gauge', 'healthy endpoints of an upstream cluster'),
  certmanager_certificate_expiration_timestamp_seconds: m('cert-manager', 'gauge', 'unix time a Certificate expires'),

  // the monitoring tier itself
  alertmanager_notifications_failed_total: m('alertmanager', 'counter', 'notifications that failed, per integration'),
  prometheus_rule_evaluation_failures_total: m('prometheus', 'counter', 'rule evaluations that failed, per rule group'),
  prometheus_notifications_dropped_total: m('prometheus', 'counter', 'alerts dropped on the way to Alertmanager'),
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;

/** A registered metric, as interpolated into {@link promql}. */
export interface MetricRef {
  readonly metric: MetricName;
}

/** `M.pg_up` and so on: the only way a metric name gets into a query. */
export const M: { readonly [K in MetricName]: MetricRef } = Object.fromEntries(
  Object.keys(METRICS).map((name) => [name, { metric: name as MetricName }]),
) as { readonly [K in MetricName]: MetricRef };

/** A PromQL expression and the registered metrics it reads. */
export interface Query {
  readonly expr: string;
  readonly metrics: readonly MetricName[];
}

/** Anything that can be spliced into a query: a metric, another query, or a literal (threshold, label value). */
export type QueryPart = MetricRef | Query | string | number;

function isMetric(p: QueryPart): p is MetricRef {
  return typeof p === 'object' && 'metric' in p;
}

/**
 * Tagged template for PromQL: `promql\`${M.pg_up} == 0\``. Metrics are spliced by reference and
 * remembered; nested queries carry their metrics along.
 */
export function promql(strings: TemplateStringsArray, ...parts: readonly QueryPart[]): Query {
  const metrics = new Set<MetricName>();
  let expr = strings[0]!;
  parts.forEach((p, i) => {
    if (isMetric(p)) {
      metrics.add(p.metric);
      expr += p.metric;
    } else if (typeof p === 'object') {
      p.metrics.forEach((x) => metrics.add(x));
      expr += p.expr;
    } else {
      expr += String(p);
    }
    expr += strings[i + 1]!;
  });
  return { expr, metrics: [...metrics].sort() };
}

/** The scrape jobs a query needs (`up` needs none). */
export function sourcesOf(q: Query): MetricSource[] {
  const out = new Set<MetricSource>();
  for (const name of q.metrics) {
    const origin = METRICS[name].origin;
    if (origin !== 'any') out.add(origin);
  }
  return [...out].sort();
}

/** True when every job the query needs is among `jobs`. */
export function isServedBy(q: Query, jobs: ReadonlySet<string>): boolean {
  return sourcesOf(q).every((s) => jobs.has(s));
}

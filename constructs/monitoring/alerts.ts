/**
 * The platform's alerts, grouped by what they watch. Figures of the service alerts are the
 * deployment guides' (docs/design-inputs.md, "Metrics the app exports"); the others follow the
 * exporters' usual practice.
 *
 * Which of them are rendered is decided by the monitoring tier: an alert needs every scrape job its
 * query reads (`sourcesOf`), so an environment without Elasticsearch has no Elasticsearch alerts.
 */
import { type AlertDefinition, type AlertGroup, type AlertLevel, series } from './alert-definition.ts';
import { edgeAlerts } from './edge-alerts.ts';
import { M, type MetricRef, promql, type Query } from './metrics.ts';

/** A backup CronJob whose last success is watched. */
export interface BackupWatch {
  readonly cronJobName: string;
  /** What it backs up (`postgres`, `redis`, ...); a label of its alert. */
  readonly store: string;
  /** Age of the last success beyond which the backup counts as missed, in seconds. */
  readonly maxAgeSeconds: number;
}

export interface AlertParams {
  /** Memory limit of one API pod; the guides' memory alert is a share of it (docs/design-inputs.md). */
  readonly apiMemoryLimitBytes: number;
  /** Backups to watch; one freshness alert each. @default - none */
  readonly backups?: readonly BackupWatch[];
  /** Postgres runs standbys, so replication lag is watched. @default false */
  readonly replicatedPostgres?: boolean;
}

const NS = 'agent-platform';
const api = { job: 'agent-api', namespace: NS, instance: '10.0.0.1:8000', pod: 'agent-api-7d9f-abcde' };
const langmem = { ...api, job: 'langmem' };
const pg = { job: 'postgres-exporter', namespace: NS, instance: '10.0.1.1:9187', pod: 'postgres-0' };
const cnpg = { job: 'cloudnative-pg', namespace: NS, instance: '10.0.1.2:9187', pod: 'postgres-1', cluster: 'postgres' };
const redis = { job: 'redis-exporter', namespace: NS, instance: '10.0.2.1:9121', pod: 'redis-0' };
const es = { job: 'elasticsearch-exporter', namespace: NS, instance: '10.0.3.1:9114', pod: 'elasticsearch-exporter-0' };
const ksm = { job: 'kube-state-metrics', namespace: NS, instance: '10.0.4.1:8080', pod: 'kube-state-metrics-0' };

const pct = (ratio: number) => `${Math.round(ratio * 100)} %`;
const threshold = (l: AlertLevel) => {
  if (l.threshold === undefined) throw new Error('alert level has no threshold');
  return l.threshold;
};

function serviceAlerts(p: AlertParams): AlertDefinition[] {
  const limitMiB = Math.round(p.apiMemoryLimitBytes / 2 ** 20);
  return [
    {
      name: 'AgentApiHighCpu',
      component: 'api',
      levels: [{ severity: 'warning', for: '5m', threshold: 80 }],
      expr: (l) => promql`${M.multiagent_cpu_usage_percent} > ${threshold(l)}`,
      summary: (l) => `API pod {{ $labels.pod }} above ${threshold(l)} % CPU`,
      description: (l) => `{{ $labels.pod }} in {{ $labels.namespace }} has used more than ${threshold(l)} % CPU for ${l.for}; requests queue and latency rises. Check the HPA and recent traffic.`,
      cases: [
        { name: 'at 90 % CPU', series: { [series('multiagent_cpu_usage_percent', api)]: '90x80' }, at: '10m', firing: ['warning'], labels: api },
        { name: 'at 70 % CPU', series: { [series('multiagent_cpu_usage_percent', api)]: '70x80' }, at: '10m', firing: [] },
      ],
    },
    {
      name: 'AgentApiHighMemory',
      component: 'api',
      levels: [{ severity: 'critical', for: '2m', threshold: 90 }],
      expr: (l) => promql`${M.multiagent_memory_usage_bytes} / ${p.apiMemoryLimitBytes} * 100 > ${threshold(l)}`,
      summary: (l) => `API pod {{ $labels.pod }} above ${threshold(l)} % of its memory limit`,
      description: (l) => `{{ $labels.pod }} in {{ $labels.namespace }} has used more than ${threshold(l)} % of its ${limitMiB} MiB limit for ${l.for}; it will be OOM-killed soon.`,
      cases: [
        { name: 'at 95 % of the limit', series: { [series('multiagent_memory_usage_bytes', api)]: `${Math.round(p.apiMemoryLimitBytes * 0.95)}x40` }, at: '5m', firing: ['critical'], labels: api },
        { name: 'at 50 % of the limit', series: { [series('multiagent_memory_usage_bytes', api)]: `${Math.round(p.apiMemoryLimitBytes * 0.5)}x40` }, at: '5m', firing: [] },
      ],
    },
    {
      name: 'AgentApiHighErrorRate',
      component: 'api',
      levels: [{ severity: 'critical', for: '1m', threshold: 0.05 }],
      expr: (l) =>
        promql`sum by (namespace, job) (rate(${M.multiagent_requests_total}{status=~"5.."}[5m])) / sum by (namespace, job) (rate(${M.multiagent_requests_total}[5m])) > ${threshold(l)}`,
      summary: (l) => `API error rate above ${pct(threshold(l))}`,
      description: (l) => `More than ${pct(threshold(l))} of requests to {{ $labels.job }} in {{ $labels.namespace }} have failed with a 5xx for ${l.for}.`,
      cases: [
        {
          name: '10 % of requests fail',
          series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '0+90x80', [series('multiagent_requests_total', { ...api, status: '500' })]: '0+10x80' },
          at: '10m',
          firing: ['critical'],
          labels: { job: api.job, namespace: NS },
        },
        {
          name: '1 % of requests fail',
          series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '0+99x80', [series('multiagent_requests_total', { ...api, status: '500' })]: '0+1x80' },
          at: '10m',
          firing: [],
        },
      ],
    },
    {
      name: 'AgentApiSlowResponses',
      component: 'api',
      levels: [{ severity: 'warning', for: '3m', threshold: 5 }],
      expr: (l) =>
        promql`histogram_quantile(0.95, sum by (namespace, job, le) (rate(${M.multiagent_request_duration_seconds_bucket}[5m]))) > ${threshold(l)}`,
      summary: (l) => `API p95 latency above ${threshold(l)} s`,
      description: (l) => `The 95th percentile of {{ $labels.job }} response time in {{ $labels.namespace }} has been above ${threshold(l)} s for ${l.for} (the goal is 2 s).`,
      cases: [
        {
          name: 'nine in ten requests take over a second',
          series: {
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '1' })]: '0+1x80',
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '10' })]: '0+10x80',
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '+Inf' })]: '0+10x80',
          },
          at: '10m',
          firing: ['warning'],
          labels: { job: api.job, namespace: NS },
        },
        {
          name: 'every request under a second',
          series: {
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '1' })]: '0+10x80',
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '10' })]: '0+10x80',
            [series('multiagent_request_duration_seconds_bucket', { ...api, le: '+Inf' })]: '0+10x80',
          },
          at: '10m',
          firing: [],
        },
      ],
    },
    {
      name: 'NoActiveAgents',
      component: 'api',
      levels: [{ severity: 'critical', for: '30s' }],
      // Zero active agents is the normal idle state (the guides alerted on it alone, which pages every
      // quiet night): only requests arriving while no agent ran anywhere in the window is "stuck".
      // Per-series max_over_time, then sum: one agent on one pod at any scrape in the window is enough.
      expr: () =>
        promql`sum by (namespace, job) (increase(${M.multiagent_requests_total}[5m])) > 0 and on (namespace, job) sum by (namespace, job) (max_over_time(${M.multiagent_active_agents}[5m])) == 0`,
      summary: () => 'Requests arrive but no agent is running',
      description: (l) =>
        `{{ $labels.job }} in {{ $labels.namespace }} has received requests for the last 5 minutes without any agent becoming active (for ${l.for} more): work is not being picked up. Check the worker and the LLM providers.`,
      cases: [
        {
          name: 'stuck: requests arrive, no agent ever active',
          series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '0+10x60', [series('multiagent_active_agents', api)]: '0x60' },
          at: '10m',
          firing: ['critical'],
          labels: { job: api.job, namespace: NS },
        },
        {
          name: 'idle: no requests, no agents',
          series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '120x60', [series('multiagent_active_agents', api)]: '0x60' },
          at: '10m',
          firing: [],
        },
        {
          name: 'sparse traffic: an agent now and then, zero between runs',
          series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '0+1x60', [series('multiagent_active_agents', api)]: '0x6 1 0x6 1 0x6 1 0x6 1 0x6 1 0x6 1 0x6 1 0x6 1' },
          at: '10m',
          firing: [],
        },
        { name: 'busy: three agents', series: { [series('multiagent_requests_total', { ...api, status: '200' })]: '0+10x60', [series('multiagent_active_agents', api)]: '3x60' }, at: '10m', firing: [] },
      ],
    },
  ];
}

function langmemAlerts(): AlertDefinition[] {
  return [
    {
      name: 'LangMemSearchSlow',
      component: 'langmem',
      levels: [{ severity: 'warning', for: '5m', threshold: 1 }],
      expr: (l) =>
        promql`histogram_quantile(0.95, sum by (namespace, job, le) (rate(${M.langmem_search_duration_seconds_bucket}[5m]))) > ${threshold(l)}`,
      summary: (l) => `LangMem search p95 above ${threshold(l)} s`,
      description: (l) => `Memory searches in {{ $labels.namespace }} have had a 95th percentile above ${threshold(l)} s for ${l.for}; check pgvector indexes and Postgres load.`,
      cases: [
        {
          name: 'most searches take seconds',
          series: {
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '0.5' })]: '0+1x80',
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '5' })]: '0+10x80',
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '+Inf' })]: '0+10x80',
          },
          at: '10m',
          firing: ['warning'],
          labels: { job: langmem.job, namespace: NS },
        },
        {
          name: 'searches are fast',
          series: {
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '0.5' })]: '0+10x80',
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '5' })]: '0+10x80',
            [series('langmem_search_duration_seconds_bucket', { ...langmem, le: '+Inf' })]: '0+10x80',
          },
          at: '10m',
          firing: [],
        },
      ],
    },
    {
      name: 'LangMemOperationErrors',
      component: 'langmem',
      levels: [{ severity: 'warning', for: '5m', threshold: 0.05 }],
      expr: (l) =>
        promql`sum by (namespace, job, operation) (rate(${M.langmem_operations_total}{status="error"}[5m])) / sum by (namespace, job, operation) (rate(${M.langmem_operations_total}[5m])) > ${threshold(l)}`,
      summary: (l) => `LangMem {{ $labels.operation }} errors above ${pct(threshold(l))}`,
      description: (l) => `More than ${pct(threshold(l))} of LangMem {{ $labels.operation }} operations in {{ $labels.namespace }} have failed for ${l.for}.`,
      cases: [
        {
          name: '10 % of searches fail',
          series: {
            [series('langmem_operations_total', { ...langmem, operation: 'search', namespace: NS, status: 'success' })]: '0+90x80',
            [series('langmem_operations_total', { ...langmem, operation: 'search', namespace: NS, status: 'error' })]: '0+10x80',
          },
          at: '10m',
          firing: ['warning'],
          labels: { job: langmem.job, namespace: NS, operation: 'search' },
        },
        {
          name: '1 % of searches fail',
          series: {
            [series('langmem_operations_total', { ...langmem, operation: 'search', namespace: NS, status: 'success' })]: '0+99x80',
            [series('langmem_operations_total', { ...langmem, operation: 'search', namespace: NS, status: 'error' })]: '0+1x80',
          },
          at: '10m',
          firing: [],
        },
      ],
    },
  ];
}

/**
 * How one Postgres exporter spells what the Postgres alerts read. postgres_exporter (our own
 * StatefulSet) and CloudNativePG's instance exporter publish the same facts under different names.
 */
interface PostgresDialect {
  /** Labels of a test target of this exporter. */
  readonly target: Readonly<Record<string, string>>;
  readonly up: MetricRef;
  /** Connections in use, summed per instance. */
  readonly connections: Query;
  /** max_connections per instance. */
  readonly maxConnections: Query;
  readonly deadlocks: MetricRef;
  readonly lag: MetricRef;
  /** Test series: `used` connections of 100. */
  readonly connectionSeries: (used: number) => Record<string, string>;
  readonly deadlockSeries: (values: string) => Record<string, string>;
}

const POSTGRES_EXPORTER: PostgresDialect = {
  target: pg,
  up: M.pg_up,
  connections: promql`sum by (namespace, job, instance) (${M.pg_stat_database_numbackends})`,
  maxConnections: promql`max by (namespace, job, instance) (${M.pg_settings_max_connections})`,
  deadlocks: M.pg_stat_database_deadlocks,
  lag: M.pg_replication_lag_seconds,
  connectionSeries: (used) => ({
    [series('pg_stat_database_numbackends', { ...pg, datname: 'langmem_store' })]: `${used}x40`,
    [series('pg_settings_max_connections', pg)]: '100x40',
  }),
  deadlockSeries: (values) => ({ [series('pg_stat_database_deadlocks', { ...pg, datname: 'langmem_store' })]: values }),
};

const CLOUDNATIVE_PG: PostgresDialect = {
  target: cnpg,
  up: M.cnpg_collector_up,
  connections: promql`sum by (namespace, job, instance) (${M.cnpg_backends_total})`,
  maxConnections: promql`max by (namespace, job, instance) (${M.cnpg_pg_settings_setting}{name="max_connections"})`,
  deadlocks: M.cnpg_pg_stat_database_deadlocks,
  lag: M.cnpg_pg_replication_lag,
  connectionSeries: (used) => ({
    [series('cnpg_backends_total', { ...cnpg, datname: 'langmem_store', usename: 'langmem_user', application_name: 'agent-api', state: 'idle' })]: `${used}x40`,
    [series('cnpg_pg_settings_setting', { ...cnpg, name: 'max_connections' })]: '100x40',
  }),
  deadlockSeries: (values) => ({ [series('cnpg_pg_stat_database_deadlocks', { ...cnpg, datname: 'langmem_store' })]: values }),
};

function postgresAlerts(p: AlertParams, d: PostgresDialect): AlertDefinition[] {
  const t = d.target;
  const key = { job: t['job']!, namespace: NS, instance: t['instance']! };
  const defs: AlertDefinition[] = [
    {
      name: 'PostgresDown',
      component: 'postgres',
      levels: [{ severity: 'critical', for: '1m' }],
      expr: () => promql`${d.up} == 0`,
      summary: () => 'Postgres is unreachable',
      description: () => '{{ $labels.instance }} in {{ $labels.namespace }} cannot reach its Postgres; the API and LangMem are failing.',
      cases: [
        { name: `${d.up.metric} is 0`, series: { [series(d.up.metric, t)]: '0x20' }, at: '3m', firing: ['critical'], labels: t },
        { name: `${d.up.metric} is 1`, series: { [series(d.up.metric, t)]: '1x20' }, at: '3m', firing: [] },
      ],
    },
    {
      name: 'PostgresTooManyConnections',
      component: 'postgres',
      levels: [
        { severity: 'warning', for: '5m', threshold: 0.8 },
        { severity: 'critical', for: '2m', threshold: 0.95 },
      ],
      expr: (l) => promql`${d.connections} / on (namespace, job, instance) ${d.maxConnections} > ${threshold(l)}`,
      summary: (l) => `Postgres above ${pct(threshold(l))} of max_connections`,
      description: (l) => `{{ $labels.instance }} has used more than ${pct(threshold(l))} of max_connections for ${l.for}; new connections will soon be refused. Check pool sizes and leaked connections.`,
      cases: [
        { name: '90 connections of 100', series: d.connectionSeries(90), at: '8m', firing: ['warning'], labels: key },
        { name: '97 connections of 100', series: d.connectionSeries(97), at: '8m', firing: ['warning', 'critical'], labels: key },
        { name: '50 connections of 100', series: d.connectionSeries(50), at: '8m', firing: [] },
      ],
    },
    {
      name: 'PostgresDeadlocks',
      component: 'postgres',
      levels: [{ severity: 'warning' }],
      expr: () => promql`increase(${d.deadlocks}[10m]) > 0`,
      summary: () => 'Deadlocks in {{ $labels.datname }}',
      description: () => 'Postgres has detected deadlocks in database {{ $labels.datname }} within the last 10 minutes; transactions were aborted.',
      cases: [
        { name: 'three deadlocks', series: d.deadlockSeries('0x20 1 2 3 3 3'), at: '6m', firing: ['warning'], labels: { ...t, datname: 'langmem_store' } },
        { name: 'no new deadlocks', series: d.deadlockSeries('4x60'), at: '10m', firing: [] },
      ],
    },
  ];
  if (p.replicatedPostgres) {
    defs.push({
      name: 'PostgresReplicationLag',
      component: 'postgres',
      levels: [{ severity: 'warning', for: '5m', threshold: 60 }],
      expr: (l) => promql`${d.lag} > ${threshold(l)}`,
      summary: (l) => `Postgres standby {{ $labels.pod }} over ${threshold(l)} s behind`,
      description: (l) => `Standby {{ $labels.pod }} has been more than ${threshold(l)} s behind the primary for ${l.for}; a failover now would lose those writes.`,
      cases: [
        { name: 'five minutes behind', series: { [series(d.lag.metric, t)]: '300x60' }, at: '10m', firing: ['warning'], labels: t },
        { name: 'one second behind', series: { [series(d.lag.metric, t)]: '1x60' }, at: '10m', firing: [] },
      ],
    });
  }
  return defs;
}

function redisAlerts(): AlertDefinition[] {
  const memory = (used: number) => ({
    [series('redis_memory_used_bytes', redis)]: `${used}x60`,
    [series('redis_memory_max_bytes', redis)]: `${2 * 2 ** 30}x60`,
  });
  return [
    {
      name: 'RedisDown',
      component: 'redis',
      levels: [{ severity: 'critical', for: '1m' }],
      expr: () => promql`${M.redis_up} == 0`,
      summary: () => 'Redis is unreachable',
      description: () => '{{ $labels.instance }} in {{ $labels.namespace }} cannot reach Redis; caching and rate limits are failing.',
      cases: [
        { name: 'redis_up is 0', series: { [series('redis_up', redis)]: '0x20' }, at: '3m', firing: ['critical'], labels: redis },
        { name: 'redis_up is 1', series: { [series('redis_up', redis)]: '1x20' }, at: '3m', firing: [] },
      ],
    },
    {
      name: 'RedisMemoryNearLimit',
      component: 'redis',
      levels: [
        { severity: 'warning', for: '5m', threshold: 0.8 },
        { severity: 'critical', for: '2m', threshold: 0.95 },
      ],
      // maxmemory 0 means unlimited; dividing by it would fire forever.
      expr: (l) => promql`${M.redis_memory_used_bytes} / (${M.redis_memory_max_bytes} > 0) > ${threshold(l)}`,
      summary: (l) => `Redis above ${pct(threshold(l))} of maxmemory`,
      description: (l) => `{{ $labels.pod }} has used more than ${pct(threshold(l))} of maxmemory for ${l.for}; allkeys-lru is evicting cached entries.`,
      cases: [
        { name: '85 % of maxmemory', series: memory(Math.round(0.85 * 2 * 2 ** 30)), at: '10m', firing: ['warning'], labels: redis },
        { name: '98 % of maxmemory', series: memory(Math.round(0.98 * 2 * 2 ** 30)), at: '10m', firing: ['warning', 'critical'], labels: redis },
        { name: '40 % of maxmemory', series: memory(Math.round(0.4 * 2 * 2 ** 30)), at: '10m', firing: [] },
        {
          name: 'no maxmemory set',
          series: { [series('redis_memory_used_bytes', redis)]: '1000000x60', [series('redis_memory_max_bytes', redis)]: '0x60' },
          at: '10m',
          firing: [],
        },
      ],
    },
    {
      name: 'RedisRejectedConnections',
      component: 'redis',
      levels: [{ severity: 'warning' }],
      expr: () => promql`increase(${M.redis_rejected_connections_total}[5m]) > 0`,
      summary: () => 'Redis is refusing connections',
      description: () => '{{ $labels.pod }} refused connections in the last 5 minutes (maxclients reached).',
      cases: [
        { name: 'five refused', series: { [series('redis_rejected_connections_total', redis)]: '0x20 5x20' }, at: '6m', firing: ['warning'], labels: redis },
        { name: 'none refused lately', series: { [series('redis_rejected_connections_total', redis)]: '5x60' }, at: '10m', firing: [] },
      ],
    },
  ];
}

function elasticsearchAlerts(): AlertDefinition[] {
  const health = (color: 'green' | 'yellow' | 'red') =>
    Object.fromEntries(
      (['green', 'yellow', 'red'] as const).map((c) => [series('elasticsearch_cluster_health_status', { ...es, cluster: 'logs', color: c }), c === color ? '1x60' : '0x60']),
    );
  const node = { ...es, cluster: 'logs', name: 'elasticsearch-0' };
  const heap = { ...node, area: 'heap' };
  const disk = { ...node, mount: '/usr/share/elasticsearch/data', path: '/usr/share/elasticsearch/data/nodes/0' };
  const unhealthy = (severity: 'warning' | 'critical', color: 'yellow' | 'red', forDuration: '10m' | '2m'): AlertDefinition => ({
    name: 'ElasticsearchClusterUnhealthy',
    component: 'elasticsearch',
    levels: [{ severity, for: forDuration }],
    expr: () => promql`${M.elasticsearch_cluster_health_status}{color="${color}"} == 1`,
    summary: () => `Elasticsearch cluster {{ $labels.cluster }} is ${color}`,
    description: () =>
      color === 'red'
        ? 'Cluster {{ $labels.cluster }} is red: some primary shards are unassigned and their logs cannot be searched or written.'
        : 'Cluster {{ $labels.cluster }} is yellow: replicas are unassigned, so one more node loss can lose data.',
    cases: [
      { name: `the cluster is ${color}`, series: health(color), at: '15m', firing: [severity], labels: { ...es, cluster: 'logs', color } },
      { name: 'the cluster is green', series: health('green'), at: '15m', firing: [] },
    ],
  });
  return [
    unhealthy('warning', 'yellow', '10m'),
    unhealthy('critical', 'red', '2m'),
    {
      name: 'ElasticsearchHeapHigh',
      component: 'elasticsearch',
      levels: [{ severity: 'warning', for: '5m', threshold: 0.9 }],
      expr: (l) =>
        promql`${M.elasticsearch_jvm_memory_used_bytes}{area="heap"} / ${M.elasticsearch_jvm_memory_max_bytes}{area="heap"} > ${threshold(l)}`,
      summary: (l) => `Elasticsearch node {{ $labels.name }} heap above ${pct(threshold(l))}`,
      description: (l) => `{{ $labels.name }} has used more than ${pct(threshold(l))} of its heap for ${l.for}; long GC pauses and circuit-breaker errors follow.`,
      cases: [
        { name: 'heap at 95 %', series: { [series('elasticsearch_jvm_memory_used_bytes', heap)]: '950x60', [series('elasticsearch_jvm_memory_max_bytes', heap)]: '1000x60' }, at: '10m', firing: ['warning'], labels: heap },
        { name: 'heap at 60 %', series: { [series('elasticsearch_jvm_memory_used_bytes', heap)]: '600x60', [series('elasticsearch_jvm_memory_max_bytes', heap)]: '1000x60' }, at: '10m', firing: [] },
      ],
    },
    {
      name: 'ElasticsearchDiskAlmostFull',
      component: 'elasticsearch',
      levels: [{ severity: 'warning', for: '15m', threshold: 0.85 }],
      // 85 % is Elasticsearch's low watermark: past it, no new shards are allocated to the node.
      expr: (l) =>
        promql`1 - ${M.elasticsearch_filesystem_data_available_bytes} / ${M.elasticsearch_filesystem_data_size_bytes} > ${threshold(l)}`,
      summary: (l) => `Elasticsearch node {{ $labels.name }} disk above ${pct(threshold(l))}`,
      description: (l) => `The data path of {{ $labels.name }} has been more than ${pct(threshold(l))} full for ${l.for}; shards stop being allocated there. Check index retention.`,
      cases: [
        { name: 'disk 90 % full', series: { [series('elasticsearch_filesystem_data_available_bytes', disk)]: '100x100', [series('elasticsearch_filesystem_data_size_bytes', disk)]: '1000x100' }, at: '20m', firing: ['warning'], labels: disk },
        { name: 'disk 50 % full', series: { [series('elasticsearch_filesystem_data_available_bytes', disk)]: '500x100', [series('elasticsearch_filesystem_data_size_bytes', disk)]: '1000x100' }, at: '20m', firing: [] },
      ],
    },
    {
      name: 'ElasticsearchUnassignedShards',
      component: 'elasticsearch',
      levels: [{ severity: 'warning', for: '15m' }],
      expr: () => promql`${M.elasticsearch_cluster_health_unassigned_shards} > 0`,
      summary: () => 'Elasticsearch cluster {{ $labels.cluster }} has unassigned shards',
      description: () => 'Cluster {{ $labels.cluster }} has had unassigned shards for 15 minutes; check allocation explain and disk watermarks.',
      cases: [
        { name: 'two unassigned', series: { [series('elasticsearch_cluster_health_unassigned_shards', { ...es, cluster: 'logs' })]: '2x100' }, at: '20m', firing: ['warning'], labels: { ...es, cluster: 'logs' } },
        { name: 'all assigned', series: { [series('elasticsearch_cluster_health_unassigned_shards', { ...es, cluster: 'logs' })]: '0x100' }, at: '20m', firing: [] },
      ],
    },
  ];
}

function backupAlert(b: BackupWatch): AlertDefinition {
  const cj = { cronjob: b.cronJobName };
  const last = series('kube_cronjob_status_last_successful_time', { ...ksm, ...cj });
  const created = series('kube_cronjob_created', { ...ksm, ...cj });
  // Samples every 10 minutes, evaluated an hour past the window.
  const steps = Math.ceil((b.maxAgeSeconds + 7200) / 600);
  const at = `${Math.ceil((b.maxAgeSeconds + 3600) / 60)}m` as const;
  const hours = Math.round((b.maxAgeSeconds / 3600) * 10) / 10;
  return {
    name: 'BackupTooOld',
    component: 'backup',
    labels: { backup: b.cronJobName, store: b.store },
    levels: [{ severity: 'critical', threshold: b.maxAgeSeconds }],
    // Either the last success is too old, or the CronJob has existed longer than the window
    // without ever succeeding (kube-state-metrics omits the success time until the first one).
    expr: (l) =>
      promql`(time() - max by (namespace, cronjob) (${M.kube_cronjob_status_last_successful_time}{cronjob="${b.cronJobName}"}) > ${threshold(l)}) or (time() - max by (namespace, cronjob) (${M.kube_cronjob_created}{cronjob="${b.cronJobName}"}) > ${threshold(l)} unless on (namespace, cronjob) ${M.kube_cronjob_status_last_successful_time}{cronjob="${b.cronJobName}"})`,
    summary: () => `The ${b.store} backup has not succeeded for over ${hours} h`,
    description: () => `CronJob {{ $labels.cronjob }} in {{ $labels.namespace }} has had no successful run within ${hours} h; a restore now would lose more than the agreed window. Check its last Job's logs.`,
    cases: [
      { name: 'last success long ago', series: { [created]: `0x${steps}`, [last]: `1000x${steps}` }, at, interval: '10m', firing: ['critical'], labels: { namespace: NS, ...cj } },
      { name: 'never succeeded', series: { [created]: `0x${steps}` }, at, interval: '10m', firing: ['critical'], labels: { namespace: NS, ...cj } },
      // Each sample's value is its own timestamp: a run that succeeded just now, every time.
      { name: 'succeeds every run', series: { [created]: `0x${steps}`, [last]: `0+600x${steps}` }, at, interval: '10m', firing: [] },
    ],
  };
}

function kubernetesAlerts(): AlertDefinition[] {
  const waiting = { ...ksm, container: 'api', pod: 'agent-api-7d9f-abcde', reason: 'CrashLoopBackOff' };
  return [
    {
      name: 'PodCrashLooping',
      component: 'kubernetes',
      levels: [{ severity: 'warning', for: '10m' }],
      expr: () => promql`max_over_time(${M.kube_pod_container_status_waiting_reason}{reason="CrashLoopBackOff"}[5m]) >= 1`,
      summary: () => 'Pod {{ $labels.pod }} is crash-looping',
      description: () => 'Container {{ $labels.container }} of {{ $labels.pod }} in {{ $labels.namespace }} has been in CrashLoopBackOff for 10 minutes; look at its previous logs.',
      cases: [
        { name: 'in CrashLoopBackOff', series: { [series('kube_pod_container_status_waiting_reason', waiting)]: '1x100' }, at: '20m', firing: ['warning'], labels: waiting },
        { name: 'running', series: { [series('kube_pod_container_status_waiting_reason', waiting)]: '0x100' }, at: '20m', firing: [] },
      ],
    },
  ];
}

function monitoringAlerts(): AlertDefinition[] {
  const am = { job: 'alertmanager', namespace: NS, instance: '10.0.5.1:9093', pod: 'alertmanager-0' };
  const self = { job: 'prometheus', instance: 'localhost:9090' };
  return [
    {
      name: 'AlertmanagerNotificationsFailing',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '10m' }],
      expr: () => promql`sum by (namespace, job, instance, pod, integration) (rate(${M.alertmanager_notifications_failed_total}[5m])) > 0`,
      summary: () => 'Alertmanager cannot deliver to {{ $labels.integration }}',
      description: () =>
        '{{ $labels.pod }} has failed to send {{ $labels.integration }} notifications for 10 minutes: alerts are not reaching people. Check the receiver credentials in the secret store and the egress to the provider.',
      cases: [
        { name: 'Slack keeps failing', series: { [series('alertmanager_notifications_failed_total', { ...am, integration: 'slack' })]: '0+2x80' }, at: '15m', firing: ['critical'], labels: { ...am, integration: 'slack' } },
        { name: 'no failures', series: { [series('alertmanager_notifications_failed_total', { ...am, integration: 'slack' })]: '3x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'PrometheusRuleEvaluationFailures',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '5m' }],
      expr: () => promql`sum by (job, instance, rule_group) (increase(${M.prometheus_rule_evaluation_failures_total}[5m])) > 0`,
      summary: () => 'Prometheus fails to evaluate rules',
      description: () => 'Rules of {{ $labels.rule_group }} have failed to evaluate for 5 minutes; the alerts they define cannot fire.',
      cases: [
        { name: 'failing evaluations', series: { [series('prometheus_rule_evaluation_failures_total', { ...self, rule_group: 'redis' })]: '0+1x80' }, at: '15m', firing: ['critical'], labels: { ...self, rule_group: 'redis' } },
        { name: 'clean evaluations', series: { [series('prometheus_rule_evaluation_failures_total', { ...self, rule_group: 'redis' })]: '0x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'PrometheusDroppingAlerts',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '5m' }],
      expr: () => promql`sum by (job, instance) (increase(${M.prometheus_notifications_dropped_total}[5m])) > 0`,
      summary: () => 'Prometheus is dropping alerts',
      description: () => 'Prometheus has dropped alerts on their way to Alertmanager for 5 minutes; check that Alertmanager is up and reachable.',
      cases: [
        { name: 'alerts dropped', series: { [series('prometheus_notifications_dropped_total', self)]: '0+1x80' }, at: '15m', firing: ['critical'], labels: self },
        { name: 'none dropped', series: { [series('prometheus_notifications_dropped_total', self)]: '0x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'TargetDown',
      component: 'monitoring',
      levels: [{ severity: 'warning', for: '5m' }],
      expr: () => promql`${M.up} == 0`,
      summary: () => 'Scrape target {{ $labels.job }} is down',
      description: () => '{{ $labels.instance }} of job {{ $labels.job }} has not been scraped for 5 minutes; its alerts cannot fire while it is.',
      cases: [
        { name: 'up is 0', series: { [series('up', api)]: '0x60' }, at: '10m', firing: ['warning'], labels: api },
        { name: 'up is 1', series: { [series('up', api)]: '1x60' }, at: '10m', firing: [] },
      ],
    },
  ];
}

/** Every alert group, before filtering by the scrape jobs an environment has. */
export function alertGroups(p: AlertParams): AlertGroup[] {
  const backups = [...(p.backups ?? [])].sort((a, b) => (a.cronJobName < b.cronJobName ? -1 : 1));
  return [
    { name: 'agent-api', alerts: serviceAlerts(p) },
    { name: 'langmem', alerts: langmemAlerts() },
    { name: 'edge', alerts: edgeAlerts() },
    // Only one of the two families renders: the one whose job is scraped.
    { name: 'postgres', alerts: [...postgresAlerts(p, POSTGRES_EXPORTER), ...postgresAlerts(p, CLOUDNATIVE_PG)] },
    { name: 'redis', alerts: redisAlerts() },
    { name: 'elasticsearch', alerts: elasticsearchAlerts() },
    { name: 'backups', alerts: backups.map(backupAlert) },
    { name: 'kubernetes', alerts: kubernetesAlerts() },
    { name: 'monitoring', alerts: monitoringAlerts() },
  ];
}

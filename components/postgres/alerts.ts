/**
 * Postgres alerts, each with the promtool cases that prove it fires and stays quiet. The same
 * alerts are written for both exporters Postgres may have (postgres_exporter beside the
 * StatefulSet, CloudNativePG's instance exporter); only the family whose job is scraped renders.
 */
import { type AlertDefinition, type AlertGroup, pct, series, TEST_NAMESPACE, threshold } from '../../constructs/monitoring/alert-definition.ts';
import { M, type MetricRef, promql, type Query } from '../../constructs/monitoring/metrics.ts';

export interface PostgresAlertParams {
  /** Postgres runs standbys, so replication lag is watched. @default false */
  readonly replicated?: boolean;
}

const pg = { job: 'postgres-exporter', namespace: TEST_NAMESPACE, instance: '10.0.1.1:9187', pod: 'postgres-0' };
const cnpg = { job: 'cloudnative-pg', namespace: TEST_NAMESPACE, instance: '10.0.1.2:9187', pod: 'postgres-1', cluster: 'postgres' };

/**
 * How one Postgres exporter spells what the Postgres alerts read. postgres_exporter (our own
 * StatefulSet) and CloudNativePG's instance exporter publish the same facts under different names.
 */
interface PostgresDialect {
  readonly job: string;
  readonly instance: string;
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
  job: pg.job,
  instance: pg.instance,
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
  job: cnpg.job,
  instance: cnpg.instance,
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

function postgresAlerts(p: PostgresAlertParams, d: PostgresDialect): AlertDefinition[] {
  const t = d.target;
  const key = { job: d.job, namespace: TEST_NAMESPACE, instance: d.instance };
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
  if (p.replicated) {
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

export function postgresAlertGroup(p: PostgresAlertParams = {}): AlertGroup {
  // Only one of the two families renders: the one whose job is scraped.
  return { name: 'postgres', alerts: [...postgresAlerts(p, POSTGRES_EXPORTER), ...postgresAlerts(p, CLOUDNATIVE_PG)] };
}

/** The Postgres dashboard, from postgres_exporter or CloudNativePG's exporter: an environment renders one set. */
import { type DashboardDefinition, stat, timeseries } from '../../constructs/monitoring/dashboards.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

export const POSTGRES_DASHBOARD: DashboardDefinition = {
  uid: 'postgres',
  title: 'Postgres',
  tags: ['agent-platform', 'data'],
  panels: [
    stat('Up', 'short', promql`min(${M.pg_up})`),
    stat('Connections used', 'percentunit', promql`sum(${M.pg_stat_database_numbackends}) / max(${M.pg_settings_max_connections})`),
    timeseries('Connections by database', 'short', [{ query: promql`sum by (datname) (${M.pg_stat_database_numbackends})`, legend: '{{datname}}' }]),
    timeseries('Transactions', 'ops', [
      { query: promql`sum(rate(${M.pg_stat_database_xact_commit}[5m]))`, legend: 'commit' },
      { query: promql`sum(rate(${M.pg_stat_database_xact_rollback}[5m]))`, legend: 'rollback' },
    ]),
    timeseries('Locks by mode', 'short', [{ query: promql`sum by (mode) (${M.pg_locks_count})`, legend: '{{mode}}' }]),
    timeseries('Deadlocks', 'short', [{ query: promql`sum by (datname) (increase(${M.pg_stat_database_deadlocks}[10m]))`, legend: '{{datname}}' }]),
    timeseries('Replication lag', 's', [{ query: promql`max by (pod) (${M.pg_replication_lag_seconds})`, legend: '{{pod}}' }]),
    // The same views from CloudNativePG's exporter; an environment renders one set or the other.
    stat('Instances up', 'short', promql`sum(${M.cnpg_collector_up})`),
    stat('Connections used', 'percentunit', promql`max(sum by (instance) (${M.cnpg_backends_total}) / on (instance) max by (instance) (${M.cnpg_pg_settings_setting}{name="max_connections"}))`),
    timeseries('Connections by database', 'short', [{ query: promql`sum by (datname) (${M.cnpg_backends_total})`, legend: '{{datname}}' }]),
    timeseries('Transactions', 'ops', [
      { query: promql`sum(rate(${M.cnpg_pg_stat_database_xact_commit}[5m]))`, legend: 'commit' },
      { query: promql`sum(rate(${M.cnpg_pg_stat_database_xact_rollback}[5m]))`, legend: 'rollback' },
    ]),
    timeseries('Deadlocks', 'short', [{ query: promql`sum by (datname) (increase(${M.cnpg_pg_stat_database_deadlocks}[10m]))`, legend: '{{datname}}' }]),
    timeseries('Replication lag', 's', [{ query: promql`max by (pod) (${M.cnpg_pg_replication_lag})`, legend: '{{pod}}' }]),
  ],
};

/** The Redis dashboard: memory against maxmemory, clients, cache hit ratio, refused connections. */
import { type DashboardDefinition, stat, timeseries } from '../../constructs/monitoring/dashboards.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

export const REDIS_DASHBOARD: DashboardDefinition = {
  uid: 'redis',
  title: 'Redis',
  tags: ['agent-platform', 'data'],
  panels: [
    stat('Up', 'short', promql`min(${M.redis_up})`),
    stat('Memory used of maxmemory', 'percentunit', promql`max(${M.redis_memory_used_bytes} / (${M.redis_memory_max_bytes} > 0))`),
    timeseries('Memory', 'bytes', [
      { query: promql`max(${M.redis_memory_used_bytes})`, legend: 'used' },
      { query: promql`max(${M.redis_memory_max_bytes})`, legend: 'maxmemory' },
    ]),
    timeseries('Clients', 'short', [{ query: promql`sum(${M.redis_connected_clients})`, legend: 'connected' }]),
    timeseries('Cache hit ratio', 'percentunit', [
      {
        query: promql`sum(rate(${M.redis_keyspace_hits_total}[5m])) / (sum(rate(${M.redis_keyspace_hits_total}[5m])) + sum(rate(${M.redis_keyspace_misses_total}[5m])))`,
        legend: 'hits',
      },
    ]),
    timeseries('Rejected connections', 'short', [{ query: promql`sum(increase(${M.redis_rejected_connections_total}[5m]))`, legend: 'rejected' }]),
  ],
};

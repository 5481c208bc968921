/**
 * Redis alerts (redis_exporter's metrics), each with the promtool cases that prove it fires and
 * stays quiet. Rendered only where the `redis-exporter` job is scraped.
 */
import { type AlertGroup, pct, series, TEST_NAMESPACE, threshold } from '../../constructs/monitoring/alert-definition.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

const redis = { job: 'redis-exporter', namespace: TEST_NAMESPACE, instance: '10.0.2.1:9121', pod: 'redis-0' };

export function redisAlertGroup(): AlertGroup {
  const memory = (used: number) => ({
    [series('redis_memory_used_bytes', redis)]: `${used}x60`,
    [series('redis_memory_max_bytes', redis)]: `${2 * 2 ** 30}x60`,
  });
  return {
    name: 'redis',
    alerts: [
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
    ],
  };
}

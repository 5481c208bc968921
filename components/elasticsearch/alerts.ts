/**
 * Elasticsearch alerts (elasticsearch_exporter's metrics), each with the promtool cases that prove
 * it fires and stays quiet. Rendered only where the `elasticsearch-exporter` job is scraped.
 */
import { type AlertDefinition, type AlertGroup, pct, series, TEST_NAMESPACE, threshold } from '../../constructs/monitoring/alert-definition.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

const es = { job: 'elasticsearch-exporter', namespace: TEST_NAMESPACE, instance: '10.0.3.1:9114', pod: 'elasticsearch-exporter-0' };

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

export function elasticsearchAlertGroup(): AlertGroup {
  return { name: 'elasticsearch', alerts: elasticsearchAlerts() };
}

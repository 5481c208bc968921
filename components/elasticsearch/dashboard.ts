/** The Elasticsearch dashboard: cluster health, unassigned shards, heap and disk per node. */
import { type DashboardDefinition, stat, timeseries } from '../../constructs/monitoring/dashboards.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

export const ELASTICSEARCH_DASHBOARD: DashboardDefinition = {
  uid: 'elasticsearch',
  title: 'Elasticsearch',
  tags: ['agent-platform', 'data', 'logs'],
  panels: [
    stat('Cluster red', 'short', promql`max(${M.elasticsearch_cluster_health_status}{color="red"})`),
    stat('Unassigned shards', 'short', promql`max(${M.elasticsearch_cluster_health_unassigned_shards})`),
    timeseries('Cluster health', 'short', [{ query: promql`max by (color) (${M.elasticsearch_cluster_health_status})`, legend: '{{color}}' }]),
    timeseries('Heap used', 'percentunit', [
      { query: promql`${M.elasticsearch_jvm_memory_used_bytes}{area="heap"} / ${M.elasticsearch_jvm_memory_max_bytes}{area="heap"}`, legend: '{{name}}' },
    ]),
    timeseries('Disk used', 'percentunit', [
      { query: promql`1 - ${M.elasticsearch_filesystem_data_available_bytes} / ${M.elasticsearch_filesystem_data_size_bytes}`, legend: '{{name}}' },
    ]),
  ],
};

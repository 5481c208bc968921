/** LangMem's alerts (the metrics LangMem exports on `/metrics/memory`, docs/design-inputs.md), with their promtool cases. */
import { type AlertDefinition, type AlertGroup, pct, series, TEST_NAMESPACE, threshold } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const langmem = { job: 'langmem', namespace: NS, instance: '10.0.0.1:8000', pod: 'agent-api-7d9f-abcde' };

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


export function langmemAlertGroup(): AlertGroup {
  return { name: 'langmem', alerts: langmemAlerts() };
}

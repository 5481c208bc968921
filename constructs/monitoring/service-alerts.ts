/**
 * The service's alerts, with the deployment guides' figures (docs/design-inputs.md, "Metrics the app
 * exports"), each with the promtool cases that prove it fires and stays quiet.
 */
import { type AlertDefinition, type AlertGroup, pct, series, TEST_NAMESPACE, threshold } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const api = { job: 'agent-api', namespace: NS, instance: '10.0.0.1:8000', pod: 'agent-api-7d9f-abcde' };

export interface ServiceAlertParams {
  /** Memory limit of one API pod; the guides' memory alert is a share of it (docs/design-inputs.md). */
  readonly apiMemoryLimitBytes: number;
}

function serviceAlerts(p: ServiceAlertParams): AlertDefinition[] {
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


export function serviceAlertGroup(p: ServiceAlertParams): AlertGroup {
  return { name: 'agent-api', alerts: serviceAlerts(p) };
}

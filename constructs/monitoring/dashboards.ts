/**
 * Grafana dashboards built in code. Every query goes through the metric registry ({@link promql}),
 * so a panel is rendered only when the jobs it reads are scraped, and a dashboard only when at
 * least one of its panels is. Each dashboard has a stable `uid`, so links and bookmarks survive
 * re-provisioning.
 */
import { M, isServedBy, promql, type Query } from './metrics.ts';

/** The Prometheus datasource every panel queries, provisioned with this uid. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export interface PanelTarget {
  readonly query: Query;
  /** Legend, may use `{{label}}`. @default - Grafana's */
  readonly legend?: string;
}

export interface PanelDefinition {
  readonly title: string;
  readonly kind: 'timeseries' | 'stat';
  /** Grafana unit id (`reqps`, `percent`, `s`, `bytes`, `percentunit`, `short`). */
  readonly unit: string;
  readonly targets: readonly PanelTarget[];
  /** @default - none */
  readonly description?: string;
}

export interface DashboardDefinition {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly panels: readonly PanelDefinition[];
}

/** A time series panel. */
export const timeseries = (title: string, unit: string, targets: readonly PanelTarget[], description?: string): PanelDefinition => ({ title, kind: 'timeseries', unit, targets, description });
/** A single-value panel. */
export const stat = (title: string, unit: string, query: Query, description?: string): PanelDefinition => ({ title, kind: 'stat', unit, targets: [{ query }], description });
const ts = timeseries;

const requestRate = promql`sum(rate(${M.multiagent_requests_total}[5m]))`;
const errorRatio = promql`sum(rate(${M.multiagent_requests_total}{status=~"5.."}[5m])) / sum(rate(${M.multiagent_requests_total}[5m]))`;
const latency = (q: number) => promql`histogram_quantile(${q}, sum by (le) (rate(${M.multiagent_request_duration_seconds_bucket}[5m])))`;

export const DASHBOARDS: readonly DashboardDefinition[] = [
  {
    uid: 'multi-agent-system',
    title: 'Multi-Agent System Monitoring',
    tags: ['agent-platform', 'service'],
    panels: [
      stat('Request rate', 'reqps', requestRate),
      stat('Error rate', 'percentunit', errorRatio),
      stat('Active agents', 'short', promql`sum(${M.multiagent_active_agents})`),
      stat('Customer satisfaction', 'short', promql`avg(${M.multiagent_customer_satisfaction_score})`),
      ts('Request rate by status', 'reqps', [{ query: promql`sum by (status) (rate(${M.multiagent_requests_total}[5m]))`, legend: '{{status}}' }]),
      ts('Response time', 's', [
        { query: latency(0.95), legend: 'p95' },
        { query: latency(0.5), legend: 'p50' },
      ], 'The goal is a p95 under 2 s; the alert fires above 5 s.'),
      ts('Error rate', 'percentunit', [{ query: errorRatio, legend: '5xx' }]),
      ts('Active agents', 'short', [{ query: promql`sum by (pod) (${M.multiagent_active_agents})`, legend: '{{pod}}' }]),
      ts('CPU usage', 'percent', [{ query: promql`${M.multiagent_cpu_usage_percent}`, legend: '{{pod}}' }]),
      ts('Memory usage', 'bytes', [{ query: promql`${M.multiagent_memory_usage_bytes}`, legend: '{{pod}}' }]),
      ts('Agent requests by type', 'reqps', [{ query: promql`sum by (agent_type) (rate(${M.agent_requests_total}[5m]))`, legend: '{{agent_type}}' }]),
      ts('Agent errors by type', 'short', [{ query: promql`sum by (agent_type) (rate(${M.agent_errors_total}[5m]))`, legend: '{{agent_type}}' }]),
      ts('Agent response time p95 by type', 's', [
        { query: promql`histogram_quantile(0.95, sum by (agent_type, le) (rate(${M.agent_response_time_seconds_bucket}[5m])))`, legend: '{{agent_type}}' },
      ]),
      ts('Customer satisfaction', 'short', [{ query: promql`avg(${M.multiagent_customer_satisfaction_score})`, legend: 'score' }]),
      ts('Scrape targets up', 'short', [{ query: promql`sum by (job) (${M.up})`, legend: '{{job}}' }]),
    ],
  },
  {
    uid: 'langmem',
    title: 'LangMem',
    tags: ['agent-platform', 'langmem'],
    panels: [
      ts('Operations by type and status', 'ops', [
        { query: promql`sum by (operation, status) (rate(${M.langmem_operations_total}[5m]))`, legend: '{{operation}} {{status}}' },
      ]),
      ts('Search latency', 's', [
        { query: promql`histogram_quantile(0.95, sum by (le) (rate(${M.langmem_search_duration_seconds_bucket}[5m])))`, legend: 'p95' },
        { query: promql`histogram_quantile(0.5, sum by (le) (rate(${M.langmem_search_duration_seconds_bucket}[5m])))`, legend: 'p50' },
      ]),
      // LangMem's own `namespace` label clashes with the target's and is kept as `exported_namespace`.
      ts('Store size by memory namespace', 'bytes', [{ query: promql`sum by (exported_namespace) (${M.langmem_store_size_bytes})`, legend: '{{exported_namespace}}' }]),
      ts('Consolidation time p95', 's', [
        { query: promql`histogram_quantile(0.95, sum by (le) (rate(${M.langmem_consolidation_duration_seconds_bucket}[1h])))`, legend: 'p95' },
      ]),
    ],
  },
  {
    uid: 'backups',
    title: 'Backups and pod health',
    tags: ['agent-platform', 'backups'],
    panels: [
      ts('Time since last successful backup', 's', [
        { query: promql`time() - max by (cronjob) (${M.kube_cronjob_status_last_successful_time})`, legend: '{{cronjob}}' },
      ]),
      ts('Containers in CrashLoopBackOff', 'short', [
        { query: promql`sum by (pod, container) (${M.kube_pod_container_status_waiting_reason}{reason="CrashLoopBackOff"})`, legend: '{{pod}}/{{container}}' },
      ]),
      ts('Container restarts', 'short', [{ query: promql`sum by (pod) (increase(${M.kube_pod_container_status_restarts_total}[1h]))`, legend: '{{pod}}' }]),
    ],
  },
];

/** Every query of a dashboard, for checks. */
export function dashboardQueries(d: DashboardDefinition): Query[] {
  return d.panels.flatMap((p) => p.targets.map((t) => t.query));
}

/** The dashboard restricted to panels whose every query is served by `jobs`; undefined when none is. */
export function servedDashboard(d: DashboardDefinition, jobs: ReadonlySet<string>): DashboardDefinition | undefined {
  const panels = d.panels.filter((p) => p.targets.every((t) => isServedBy(t.query, jobs)));
  return panels.length > 0 ? { ...d, panels } : undefined;
}

/** Grafana's dashboard JSON model: stats in a row of quarter-width tiles, graphs two per row. */
export function dashboardJson(d: DashboardDefinition): Record<string, unknown> {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.kind === 'stat' ? 6 : 12;
    const h = p.kind === 'stat' ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { h, w, x, y };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return {
      id: i + 1,
      type: p.kind,
      title: p.title,
      ...(p.description ? { description: p.description } : {}),
      datasource: PROMETHEUS_DATASOURCE,
      gridPos,
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      ...(p.kind === 'stat' ? { options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } } } : {}),
      targets: p.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: PROMETHEUS_DATASOURCE,
        expr: t.query.expr,
        ...(t.legend ? { legendFormat: t.legend } : {}),
      })),
    };
  });
  return {
    uid: d.uid,
    title: d.title,
    tags: [...d.tags],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    timezone: 'utc',
    panels,
  };
}

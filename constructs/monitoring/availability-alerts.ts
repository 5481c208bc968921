/**
 * "Is it down?" alerts that do not depend on the component's own metrics, which vanish exactly
 * when it is down:
 *
 * - desired against available replicas of every Deployment and StatefulSet, from
 *   kube-state-metrics (a pod that is unready or missing is counted there, whatever it exports);
 * - `absent()` of each scrape job's `up` (no target left at all: every pod gone, or the Service
 *   selecting nothing) and of the series the service's alerts read (`multiagent_active_agents`).
 *
 * Every selector names the environment's namespace, so in `operator` mode, where one Prometheus
 * may hold several environments, one environment's series cannot hide another's absence.
 */
import { type AlertDefinition, type AlertGroup, type Severity, series } from './alert-definition.ts';
import { M, type MetricRef, type MetricSource, promql } from './metrics.ts';
import type { WorkloadRef } from '../workload-ref.ts';

/** A workload whose availability is alerted on. */
export interface WatchedWorkload extends WorkloadRef {
  /** `component` label of its alerts, as Alertmanager routes them (`api`, `postgres`, ...). */
  readonly component: string;
  /** No replica available pages (critical); otherwise only the warning fires. @default true */
  readonly pageWhenDown?: boolean;
}

export interface AvailabilityParams {
  /** The environment's namespace: every selector is scoped to it. */
  readonly namespace: string;
  /** Deployments and StatefulSets rendered in the namespace. */
  readonly workloads: readonly WatchedWorkload[];
  /**
   * Scrape jobs discovered in the namespace (Prometheus's static self-scrape excluded: it has no
   * namespace, and a Prometheus that is absent cannot evaluate anything). One `absent()` alert each.
   */
  readonly jobs: readonly string[];
  /** Alert component and severity of a job without targets, as its owner states it (a store's exporter). @default - none */
  readonly jobOwners?: Readonly<Record<string, JobOwner>>;
}

/** Who is paged, and how urgently, when a scrape job has no target left. */
export interface JobOwner {
  readonly component: string;
  readonly severity: Severity;
}

/**
 * Alert component and severity of the platform's own jobs without targets; other jobs are their
 * owner's (`jobOwners`, from the scrape targets) or, unowned, the monitoring tier's.
 */
const JOB_OWNERS: Readonly<Partial<Record<MetricSource, JobOwner>>> = {
  'agent-api': { component: 'api', severity: 'critical' },
  // Served by the API's pods: when they are all gone, the agent-api alert already pages.
  langmem: { component: 'langmem', severity: 'warning' },
  // Without it every availability alert above is blind.
  'kube-state-metrics': { component: 'monitoring', severity: 'critical' },
};

/** kube-state-metrics' series for one kind, and the label naming the object. */
const KINDS: Readonly<Record<WorkloadRef['kind'], { readonly label: string; readonly desired: MetricRef; readonly available: MetricRef }>> = {
  Deployment: { label: 'deployment', desired: M.kube_deployment_spec_replicas, available: M.kube_deployment_status_replicas_available },
  // Ready replicas: the same as `_available` without minReadySeconds (ours set none), and in every 2.x release.
  StatefulSet: { label: 'statefulset', desired: M.kube_statefulset_replicas, available: M.kube_statefulset_status_replicas_ready },
};

function workloadAlert(ns: string, w: WatchedWorkload): AlertDefinition {
  const k = KINDS[w.kind];
  const sel = `{namespace="${ns}",${k.label}="${w.name}"}`;
  // `max by`: a restarted kube-state-metrics (new pod label) or a second copy must not double the series.
  const by = `max by (namespace, ${k.label})`;
  const available = promql`${by} (${k.available}${sel})`;
  const desired = promql`${by} (${k.desired}${sel})`;
  const ksm = { job: 'kube-state-metrics', instance: '10.0.4.1:8080', pod: 'kube-state-metrics-0', namespace: ns, [k.label]: w.name };
  const input = (avail: number, want: number) => ({
    [series(k.available.metric, ksm)]: `${avail}x100`,
    [series(k.desired.metric, ksm)]: `${want}x100`,
  });
  const key = { namespace: ns, [k.label]: w.name };
  const page = w.pageWhenDown ?? true;
  return {
    name: `${w.kind}Unavailable`,
    component: w.component,
    levels: [{ severity: 'warning', for: '15m' }, ...(page ? [{ severity: 'critical' as const, for: '2m' as const }] : [])],
    expr: (l) => (l.severity === 'critical' ? promql`${available} == 0 and ${desired} > 0` : promql`${available} < ${desired}`),
    summary: (l) =>
      l.severity === 'critical'
        ? `${w.kind} {{ $labels.${k.label} }} has no available replica`
        : `${w.kind} {{ $labels.${k.label} }} has fewer available replicas than desired`,
    description: (l) =>
      l.severity === 'critical'
        ? `No pod of {{ $labels.${k.label} }} in {{ $labels.namespace }} has been ready for ${l.for}: it is down, whatever its own metrics say. Look at its pods' events, probes and logs.`
        : `Some pods of {{ $labels.${k.label} }} in {{ $labels.namespace }} have been unready or missing for ${l.for}; it runs with less redundancy than planned. Look at its pods' events and probes.`,
    cases: [
      { name: 'one of three replicas unready', series: input(2, 3), at: '20m', firing: ['warning'], labels: key },
      { name: 'every replica unready', series: input(0, 3), at: '20m', firing: page ? ['warning', 'critical'] : ['warning'], labels: key },
      { name: 'every replica available', series: input(3, 3), at: '20m', firing: [] },
      { name: 'scaled to zero on purpose', series: input(0, 0), at: '20m', firing: [] },
    ],
  };
}

function targetsAbsentAlert(ns: string, job: string, jobs: readonly string[], owner: JobOwner): AlertDefinition {
  const target = (j: string) => ({ job: j, namespace: ns, instance: '10.0.9.1:9000', pod: `${j}-0` });
  // promtool evaluates every job's rule in each case, so the other jobs' targets are present throughout.
  const others = Object.fromEntries(jobs.filter((j) => j !== job).map((j) => [series('up', target(j)), '1x60']));
  return {
    name: 'ScrapeTargetsAbsent',
    component: owner.component,
    levels: [{ severity: owner.severity, for: '5m' }],
    expr: () => promql`absent(${M.up}{job="${job}",namespace="${ns}"})`,
    summary: () => 'No target of scrape job {{ $labels.job }} exists',
    description: () =>
      'Prometheus has found no pod behind job {{ $labels.job }} in {{ $labels.namespace }} for 5 minutes: every pod is gone (or its Service selects none), and every alert reading this job is blind.',
    cases: [
      { name: `no target of ${job}`, series: { ...others }, at: '10m', firing: [owner.severity], labels: { job, namespace: ns } },
      // An unready pod is still a target (`up` is 0 when it does not answer): TargetDown speaks for it.
      { name: `an unready ${job} target that does not answer`, series: { ...others, [series('up', target(job))]: '0x60' }, at: '10m', firing: [] },
      { name: `a healthy ${job} target`, series: { ...others, [series('up', target(job))]: '1x60' }, at: '10m', firing: [] },
    ],
  };
}

/** The service's own gauge: registered at start-up, so its absence means /metrics is broken or gone. */
function serviceMetricsAbsentAlert(ns: string): AlertDefinition {
  const api = { job: 'agent-api', namespace: ns, instance: '10.0.0.1:8000', pod: 'agent-api-7d9f-abcde' };
  return {
    name: 'AgentApiMetricsAbsent',
    component: 'api',
    levels: [{ severity: 'warning', for: '5m' }],
    expr: () => promql`absent(${M.multiagent_active_agents}{job="agent-api",namespace="${ns}"})`,
    summary: () => 'The API exports no multiagent_active_agents',
    description: () =>
      'No API pod in {{ $labels.namespace }} has exported multiagent_active_agents for 5 minutes, so the error-rate, latency and no-agents alerts cannot fire. Check /metrics of the API pods and whether any pod runs.',
    cases: [
      { name: 'the API answers /metrics without it', series: { [series('up', api)]: '1x60' }, at: '10m', firing: ['warning'], labels: { job: 'agent-api', namespace: ns } },
      // Scraped while unready: the series stays, so the service alerts keep working.
      { name: 'an unready pod still exporting it', series: { [series('multiagent_active_agents', api)]: '0x60', [series('up', api)]: '1x60' }, at: '10m', firing: [] },
    ],
  };
}

/** The `availability` group: one alert per workload, one per scrape job, and the service's series. */
export function availabilityAlertGroup(p: AvailabilityParams): AlertGroup {
  const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const workloads = [...p.workloads].sort((a, b) => (a.kind === b.kind ? byName(a, b) : a.kind < b.kind ? -1 : 1));
  const dup = workloads.find((w, i) => i > 0 && w.kind === workloads[i - 1]!.kind && w.name === workloads[i - 1]!.name);
  if (dup) throw new Error(`availabilityAlertGroup: ${dup.kind} ${dup.name} is watched twice`);
  const jobs = [...new Set(p.jobs)].sort();
  return {
    name: 'availability',
    alerts: [
      ...workloads.map((w) => workloadAlert(p.namespace, w)),
      ...jobs.map((j) => targetsAbsentAlert(p.namespace, j, jobs, p.jobOwners?.[j] ?? JOB_OWNERS[j as MetricSource] ?? { component: 'monitoring', severity: 'warning' })),
      serviceMetricsAbsentAlert(p.namespace),
    ],
  };
}

/**
 * prometheus.yml from the model: one scrape job per registered {@link ScrapeTarget}, found through
 * the Kubernetes API (EndpointSlices of the target's Service in our namespace), so every pod of a
 * scaled-out workload is scraped and a job never points at an address that was typed in.
 *
 * The tests check it as rendered with promtool at the deployed Prometheus's version, Kubernetes
 * service discovery included (tools/go-tools/pins.ts).
 */
import type { Duration } from 'cdk8s';
import type { PodScrapeTarget } from '../pod-scrape-target.ts';
import type { ScrapeTarget } from '../scrape-target.ts';
import { promDuration } from '../../kube/duration.ts';

/** Job name of Prometheus's scrape of itself. */
export const PROMETHEUS_SELF_JOB = 'prometheus';

export interface PrometheusConfigProps {
  /** Namespace whose EndpointSlices are discovered. */
  readonly namespace: string;
  readonly scrapeInterval: Duration;
  readonly evaluationInterval: Duration;
  /** Labels added to every series and alert leaving this Prometheus (e.g. `environment`). */
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly targets: readonly ScrapeTarget[];
  /** Pods in other namespaces, found by label and port. @default - none */
  readonly podTargets?: readonly PodScrapeTarget[];
  /** Port Prometheus itself listens on, for its own job. */
  readonly selfPort: number;
  /** Glob of the mounted rule files (relative paths are resolved against prometheus.yml's directory). */
  readonly ruleFiles: string;
  /** Alertmanager pods, by the DNS name of their headless Service. @default - no alerting */
  readonly alertmanager?: { readonly host: string; readonly port: number };
}

/** Relabelling shared by every job: keep the target's Service and port, name the series after the pod. */
function discoveryRelabel(t: ScrapeTarget): Record<string, unknown>[] {
  return [
    {
      source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
      regex: `${t.serviceName};${t.portName}`,
      action: 'keep',
    },
    // Unready endpoints are scraped too: EndpointSlices list them with `ready: false`, and a pod that
    // fails its readiness probe (its store down, its exporter sidecar still answering) is exactly the
    // one whose `up`, `pg_up`, `redis_up` and request metrics the "is it down?" alerts must see. The
    // Prometheus Operator does the same for ServiceMonitors (it drops only Failed/Succeeded pods).
    // Readiness is not made a label: a flapping probe would split every series and restart every
    // alert's `for` clock; kube-state-metrics reports readiness and availability instead.
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
  ];
}

/** `__meta_kubernetes_pod_label_<name>` of a label, as Prometheus sanitises it. */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function podJob(t: PodScrapeTarget): Record<string, unknown> {
  const labels = Object.keys(t.podLabels).sort();
  return {
    job_name: t.job,
    ...(t.interval ? { scrape_interval: promDuration(t.interval) } : {}),
    ...(t.seriesOfNamespace ? { honor_labels: true } : {}),
    metrics_path: t.path ?? '/metrics',
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [t.namespace] } }],
    relabel_configs: [
      { source_labels: [...labels.map(podLabelMeta), '__meta_kubernetes_pod_container_port_number'], regex: [...labels.map((l) => t.podLabels[l]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), String(t.port)].join(';'), action: 'keep' },
      // Unready pods are scraped too, as for the Service jobs above (an edge that fails its probes
      // is the one the edge alerts must see); pods that ended or have no address yet are not.
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    ],
    ...(t.seriesOfNamespace ? { metric_relabel_configs: [{ source_labels: ['namespace'], regex: t.seriesOfNamespace, action: 'keep' }] } : {}),
  };
}

export function prometheusConfig(p: PrometheusConfigProps): Record<string, unknown> {
  const jobs = [...p.targets, ...(p.podTargets ?? [])].map((t) => t.job);
  const dup = jobs.find((j, i) => jobs.indexOf(j) !== i);
  if (dup) throw new Error(`prometheusConfig: job ${JSON.stringify(dup)} is registered twice; job names must be unique`);
  if (jobs.includes(PROMETHEUS_SELF_JOB)) throw new Error(`prometheusConfig: job "${PROMETHEUS_SELF_JOB}" is Prometheus's own; choose another job name`);
  const scrapeConfigs: Record<string, unknown>[] = [
    { job_name: PROMETHEUS_SELF_JOB, static_configs: [{ targets: [`localhost:${p.selfPort}`] }] },
    ...[...p.targets]
      .sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0))
      .map((t) => ({
        job_name: t.job,
        ...(t.interval ? { scrape_interval: promDuration(t.interval) } : {}),
        ...(t.honorLabels ? { honor_labels: true } : {}),
        metrics_path: t.path ?? '/metrics',
        kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [p.namespace] } }],
        relabel_configs: discoveryRelabel(t),
      })),
    ...[...(p.podTargets ?? [])].sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0)).map(podJob),
  ];
  return {
    global: {
      scrape_interval: promDuration(p.scrapeInterval),
      evaluation_interval: promDuration(p.evaluationInterval),
      external_labels: { ...p.externalLabels },
    },
    ...(p.alertmanager
      ? {
          alerting: {
            // Every Alertmanager replica gets every alert (they deduplicate among themselves), so
            // the headless Service's A records are used, not a load-balanced address.
            alertmanagers: [{ dns_sd_configs: [{ names: [p.alertmanager.host], type: 'A', port: p.alertmanager.port }] }],
          },
        }
      : {}),
    rule_files: [p.ruleFiles],
    scrape_configs: scrapeConfigs,
  };
}

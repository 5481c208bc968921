/**
 * What a workload tells the monitoring tier about its metrics. A component that is rendered hands
 * its scrape targets to the stack, which gives them to Prometheus; so a scrape job exists exactly
 * when its workload does.
 */
import type { Duration } from 'cdk8s';
import type { Connectable } from './connections.ts';

export interface ScrapeTarget {
  /** Prometheus `job` label, unique per environment (e.g. `agent-api`, `postgres-exporter`). */
  readonly job: string;
  /** The workload whose pods serve the metrics; Prometheus is allowed to reach it on `port`. */
  readonly workload: Connectable;
  /** Service that fronts the pods (its endpoints are scraped). */
  readonly serviceName: string;
  /** Container port number serving the metrics. */
  readonly port: number;
  /** Name of that port on the Service, for ServiceMonitor endpoints. */
  readonly portName: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default - the global interval */
  readonly interval?: Duration;
  /**
   * Keep the target's own `namespace`/`pod` labels over the ones discovery attaches: for exporters
   * that report on other objects (kube-state-metrics), whose labels name those objects.
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * Who is alerted, and how urgently, when the job has no target left (`ScrapeTargetsAbsent`).
   * @default - the monitoring tier's own jobs' owners, else `monitoring` at warning
   */
  readonly owner?: { readonly component: string; readonly severity: 'critical' | 'warning' };
}

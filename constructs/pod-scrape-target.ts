/**
 * Metrics served by pods outside the environment's namespace that belong to it: the Envoy pods of
 * its Gateway (Envoy Gateway runs them in its own namespace) and cert-manager, which reports the
 * expiry of the environment's certificates. They have no Service of ours to discover through, so
 * Prometheus finds the pods themselves, selected by labels and container port; read access to
 * pods in that namespace is granted by the cluster's configuration (`stacks/gitops.ts`).
 */
import type { Duration } from 'cdk8s';

export interface PodScrapeTarget {
  /** Prometheus `job` label, unique per environment (e.g. `envoy`). */
  readonly job: string;
  /** Namespace the pods run in. */
  readonly namespace: string;
  /** Labels that select exactly the pods to scrape. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container port serving the metrics; Prometheus is let through to it. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default - the global interval */
  readonly interval?: Duration;
  /**
   * Keep only series whose own `namespace` label is this one, and keep that label over the pod's
   * (honor_labels): for exporters reporting on objects of every namespace, like cert-manager's
   * certificate metrics. @default - every series, labelled with the pod's namespace
   */
  readonly seriesOfNamespace?: string;
}

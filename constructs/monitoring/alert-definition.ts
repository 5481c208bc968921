/**
 * The shape of an alert written in code: its PromQL (through the metric registry), one or two
 * severity levels, the text a human reads when it fires, and the `promtool test rules` cases that
 * prove it fires and stays quiet when it should. The cases travel with the alert, so an alert
 * without tests cannot be written down.
 */
import type { PromDuration } from '../../kube/duration.ts';
import type { MetricName, Query } from './metrics.ts';

export type Severity = 'critical' | 'warning';

/**
 * One severity of an alert. Two levels of one definition are twins: the same alert name at two
 * thresholds, and Alertmanager's inhibition lets the critical one silence the warning one.
 */
export interface AlertLevel {
  readonly severity: Severity;
  /** How long the condition must hold. @default - fires on the first evaluation */
  readonly for?: PromDuration;
  /** Threshold handed to the expression and the text, when the alert has one. */
  readonly threshold?: number;
}

/** One `promtool test rules` case: input series, an evaluation time, and which levels fire. */
export interface AlertCase {
  /** Says what the case shows, e.g. "90 % of max_connections". */
  readonly name: string;
  /** Series selector (see {@link series}) to promtool's expanding notation, e.g. `'0+10x60'`. */
  readonly series: Readonly<Record<string, string>>;
  readonly at: PromDuration;
  /** Levels that must be firing at `at`; empty for a case that must stay quiet. */
  readonly firing: readonly Severity[];
  /** Labels of the firing alerts besides `alertname`, `severity` and `component` (and the definition's static labels). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Spacing of the input samples. @default '15s' */
  readonly interval?: PromDuration;
}

export interface AlertDefinition {
  /** `alertname`, CamelCase. Twins share it. */
  readonly name: string;
  /** `component` label: what is broken, and what Alertmanager routes on. */
  readonly component: string;
  readonly levels: readonly AlertLevel[];
  readonly expr: (level: AlertLevel) => Query;
  /** One line; may use `{{ $labels.x }}`. */
  readonly summary: (level: AlertLevel) => string;
  /** What is happening and what it means for users; may use `{{ $labels.x }}`. */
  readonly description: (level: AlertLevel) => string;
  /** Static labels added to every level (e.g. the backup a freshness alert watches). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  readonly cases: readonly AlertCase[];
}

/** A group of definitions rendered into one rule file (or one PrometheusRule group). */
export interface AlertGroup {
  /** File stem and group name, e.g. `postgres`. */
  readonly name: string;
  readonly alerts: readonly AlertDefinition[];
}

/** Namespace of the targets in promtool test cases. */
export const TEST_NAMESPACE = 'agent-platform';

/** `0.05` as `5 %`, for alert texts. */
export const pct = (ratio: number): string => `${Math.round(ratio * 100)} %`;

/** The threshold of a level whose alert has one; throws for a level without. */
export function threshold(l: AlertLevel): number {
  if (l.threshold === undefined) throw new Error('alert level has no threshold');
  return l.threshold;
}

/** `metric{a="1",b="2"}` with labels sorted, for test input series. */
export function series(metric: MetricName, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${metric}{${body}}`;
}

/**
 * From alert definitions to what Prometheus and promtool read: rule groups (a rule file, or the
 * `spec.groups` of a PrometheusRule) and the `promtool test rules` file that exercises them.
 */
import { durationSeconds, type PromDuration } from '../../kube/duration.ts';
import type { AlertDefinition, AlertGroup, AlertLevel, Severity } from './alert-definition.ts';
import { isServedBy } from './metrics.ts';

export interface RenderedRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: PromDuration;
  readonly labels: Record<string, string>;
  readonly annotations: { summary: string; description: string; runbook_url: string };
}

export interface RenderedRuleGroup {
  readonly name: string;
  readonly rules: RenderedRule[];
}

/** `PostgresTooManyConnections` -> `postgres-too-many-connections`. */
function runbookSlug(alertname: string): string {
  return alertname.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The groups whose alerts can fire: alerts reading a job that is not scraped are dropped, then empty groups. */
export function servedGroups(groups: readonly AlertGroup[], jobs: ReadonlySet<string>): AlertGroup[] {
  return groups
    .map((g) => ({ name: g.name, alerts: g.alerts.filter((a) => a.levels.every((l) => isServedBy(a.expr(l), jobs))) }))
    .filter((g) => g.alerts.length > 0);
}

function levelLabels(a: AlertDefinition, l: AlertLevel): Record<string, string> {
  return { ...a.labels, component: a.component, severity: l.severity };
}

function renderRule(a: AlertDefinition, l: AlertLevel, runbookBaseUrl: string): RenderedRule {
  return {
    alert: a.name,
    expr: a.expr(l).expr,
    ...(l.for ? { for: l.for } : {}),
    labels: levelLabels(a, l),
    annotations: { summary: a.summary(l), description: a.description(l), runbook_url: `${runbookBaseUrl}/${runbookSlug(a.name)}` },
  };
}

/** Rule groups as Prometheus reads them. */
export function renderRuleGroups(groups: readonly AlertGroup[], runbookBaseUrl: string): RenderedRuleGroup[] {
  const base = runbookBaseUrl.replace(/\/+$/, '');
  return groups.map((g) => ({ name: g.name, rules: g.alerts.flatMap((a) => a.levels.map((l) => renderRule(a, l, base))) }));
}

/** File name of a group's rules, as mounted under Prometheus's rules directory. */
export function ruleFileName(group: { readonly name: string }): string {
  return `${group.name}.rules.yml`;
}

/**
 * Fills `{{ $labels.x }}` the way Prometheus will, so a test can state the exact annotation it
 * expects. Anything else in braces is refused: tests could not predict it.
 */
function expandAnnotation(text: string, labels: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, action: string) => {
    const m = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(action);
    if (!m) throw new Error(`annotation template {{ ${action} }}: only {{ $labels.<name> }} is supported`);
    const value = labels[m[1]!];
    if (value === undefined) throw new Error(`annotation uses $labels.${m[1]} but the alert has no label ${m[1]}`);
    return value;
  });
}

interface PromtoolAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

interface PromtoolTestGroup {
  name: string;
  interval: PromDuration;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: PromDuration; alertname: string; exp_alerts: PromtoolAlert[] }[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: PromDuration;
  tests: PromtoolTestGroup[];
}

const SEVERITY_ORDER: readonly Severity[] = ['warning', 'critical'];

/**
 * The `promtool test rules` file of one rendered group: one test group per case of every alert,
 * listing exactly the alerts (all levels of that alert name) expected at the case's time.
 *
 * promtool evaluates every rule of the file at every evaluation step up to the case's time, so
 * a group whose cases span days (backup freshness) is evaluated at the spacing of its samples
 * rather than every 15 s; only a group without `for` is, since nothing there depends on the finer step.
 */
export function promtoolTests(
  group: AlertGroup,
  opts: { readonly ruleFiles: readonly string[]; readonly evaluationInterval: PromDuration; readonly runbookBaseUrl: string },
): PromtoolTestFile {
  const rendered = new Map(renderRuleGroups([group], opts.runbookBaseUrl).flatMap((g) => g.rules.map((r) => [`${r.alert}/${JSON.stringify(r.labels)}`, r] as const)));
  const tests: PromtoolTestGroup[] = [];
  for (const a of group.alerts) {
    for (const c of a.cases) {
      const exp = SEVERITY_ORDER.filter((s) => c.firing.includes(s)).map((s) => {
        const level = a.levels.find((l) => l.severity === s);
        if (!level) throw new Error(`${a.name}: case "${c.name}" expects ${s}, which the alert does not have`);
        const labels = { ...c.labels, ...levelLabels(a, level) };
        const rule = rendered.get(`${a.name}/${JSON.stringify(levelLabels(a, level))}`)!;
        return {
          exp_labels: labels,
          exp_annotations: {
            summary: expandAnnotation(rule.annotations.summary, labels),
            description: expandAnnotation(rule.annotations.description, labels),
            runbook_url: rule.annotations.runbook_url,
          },
        };
      });
      tests.push({
        name: `${a.name}${a.labels ? ` ${JSON.stringify(a.labels)}` : ''}: ${c.name}`,
        interval: c.interval ?? '15s',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [{ eval_time: c.at, alertname: a.name, exp_alerts: exp }],
      });
    }
  }
  const intervals = tests.map((t) => t.interval);
  const finest = intervals.reduce((a, b) => (durationSeconds(a) <= durationSeconds(b) ? a : b), intervals[0] ?? opts.evaluationInterval);
  const usesFor = group.alerts.some((a) => a.levels.some((l) => l.for !== undefined));
  const evaluationInterval = !usesFor && durationSeconds(finest) > durationSeconds(opts.evaluationInterval) ? finest : opts.evaluationInterval;
  return { rule_files: [...opts.ruleFiles], evaluation_interval: evaluationInterval, tests };
}

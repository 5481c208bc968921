/**
 * Alerts and dashboards cannot drift from the metrics that exist: every PromQL expression parses
 * (promtool), names only registered metrics, and is rendered only where the job exporting them is
 * scraped. Every alert carries its labels, text, runbook and tests.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../../environments/load.ts';
import { STORES } from '../../../components/index.ts';
import { alertGroups } from '../../../constructs/monitoring/alerts.ts';
import { DASHBOARDS, dashboardQueries } from '../../../constructs/monitoring/dashboards.ts';
import { METRIC_SOURCES, METRICS, type MetricName, type Query, sourcesOf } from '../../../constructs/monitoring/metrics.ts';
import { renderRuleGroups } from '../../../constructs/monitoring/rule-files.ts';
import type { ScrapeTarget } from '../../../constructs/scrape-target.ts';
import { buildPlatform } from '../../../stacks/platform-chart.ts';
import { describeWithBinaries } from '../../support/binaries.ts';
import { run, tempDir, toYaml, writeFiles } from '../../support/monitoring-files.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const envs = loadEnvironments(join(ROOT, 'environments'));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every alert there is: all exporters, a backup, replication on. */
const ALL_GROUPS = alertGroups({
  apiMemoryLimitBytes: 2 ** 30,
  backups: [{ cronJobName: 'postgres-backup', store: 'postgres', maxAgeSeconds: 26 * 3600 }],
  componentGroups: STORES.flatMap((s) => s.monitoring.alertGroups),
});
const ALL_ALERTS = ALL_GROUPS.flatMap((g) => g.alerts);
const ALERT_QUERIES: { name: string; query: Query }[] = ALL_ALERTS.flatMap((a) => a.levels.map((l) => ({ name: `${a.name} (${l.severity})`, query: a.expr(l) })));
const DASHBOARD_QUERIES: { name: string; query: Query }[] = [...DASHBOARDS, ...STORES.flatMap((s) => s.monitoring.dashboards)].flatMap((d) =>
  d.panels.flatMap((p) => p.targets.map((t, i) => ({ name: `${d.uid} / ${p.title} #${i}`, query: t.query }))),
);

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'Inf', 'NaN', 'inf', 'nan']);

/** Metric names an expression reads, found in its text: what is left after strings, matchers, ranges, groupings and function names. */
function metricIdentifiers(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    // Followed by "(": a function, not a metric.
    if (m[2] === undefined && !KEYWORDS.has(m[1]!)) out.add(m[1]!);
  }
  return [...out].sort();
}

describe('PromQL of alerts and dashboards', () => {
  it('finds metric names in an expression, and only those', () => {
    expect(metricIdentifiers('sum by (namespace, le) (rate(foo_bucket{status=~"5..", x="a b"}[5m])) / on (job) bar > 0.95 and 1e3 < baz offset 5m')).toEqual([
      'bar',
      'baz',
      'foo_bucket',
    ]);
  });

  it.each([...ALERT_QUERIES, ...DASHBOARD_QUERIES].map((q) => [q.name, q.query] as const))('%s names only registered metrics, each by reference', (_name, query) => {
    const found = metricIdentifiers(query.expr);
    expect(found.filter((n) => !(n in METRICS))).toEqual([]);
    // A metric typed into the text instead of spliced from the registry would be missing here.
    expect(found).toEqual([...query.metrics]);
  });

  it('knows which job exports every registered metric', () => {
    for (const [name, info] of Object.entries(METRICS)) {
      expect([...METRIC_SOURCES, 'any'], name).toContain(info.origin);
    }
    expect(sourcesOf({ expr: 'up', metrics: ['up'] })).toEqual([]);
    expect(sourcesOf({ expr: '', metrics: ['pg_up', 'redis_up', 'up'] as MetricName[] })).toEqual(['postgres-exporter', 'redis-exporter']);
  });

  it.each(envs.map((e) => [e.name, e] as const))('%s: the app and data tiers name their jobs as the registry does', (_name, env) => {
    const chart = buildPlatform(env);
    const jobs = [...chart.app.scrapeTargets, ...chart.data.scrapeTargets].map((t) => t.job);
    expect(jobs.length).toBeGreaterThan(2);
    for (const j of jobs) expect(METRIC_SOURCES).toContain(j);
  });
});

describe('alert definitions', () => {
  it.each(ALL_ALERTS.map((a) => [`${a.name}${a.labels ? ` ${JSON.stringify(a.labels)}` : ''}`, a] as const))(
    '%s has text, a component, and cases that fire every level and stay quiet',
    (_name, a) => {
      expect(a.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(a.component).toMatch(/^[a-z][a-z-]*$/);
      expect(a.levels.length).toBeGreaterThan(0);
      for (const l of a.levels) {
        expect(a.summary(l).length).toBeGreaterThan(10);
        expect(a.description(l).length).toBeGreaterThan(a.summary(l).length);
        expect(a.cases.some((c) => c.firing.includes(l.severity)), `no case fires ${l.severity}`).toBe(true);
      }
      expect(a.cases.some((c) => c.firing.length === 0), 'no case stays quiet').toBe(true);
    },
  );

  it('renders severity, component, summary, description and runbook_url on every rule', () => {
    for (const g of renderRuleGroups(ALL_GROUPS, 'https://runbooks.example.com/')) {
      for (const r of g.rules) {
        expect(Object.keys(r.labels)).toEqual(expect.arrayContaining(['severity', 'component']));
        expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
        expect(r.annotations.runbook_url).toMatch(/^https:\/\/runbooks\.example\.com\/[a-z0-9-]+$/);
      }
    }
  });

  it('gives twins one name and two severities, so the inhibition can pair them', () => {
    const twins = ALL_ALERTS.filter((a) => a.levels.length === 2);
    expect([...new Set(twins.map((a) => a.name))].sort()).toEqual(['EdgeCertificateExpiring', 'PostgresTooManyConnections', 'PostgresWalArchivingFailing', 'RedisMemoryNearLimit']);
    for (const t of twins) expect(t.levels.map((l) => l.severity)).toEqual(['warning', 'critical']);
  });

  it('covers the alerts the issue asks for', () => {
    expect(new Set(ALL_ALERTS.map((a) => a.name))).toEqual(
      new Set([
        'AgentApiHighCpu',
        'AgentApiHighMemory',
        'AgentApiHighErrorRate',
        'AgentApiSlowResponses',
        'NoActiveAgents',
        'EdgeHighErrorRate',
        'EdgeUpstreamUnavailable',
        'EdgeCertificateExpiring',
        'LangMemSearchSlow',
        'LangMemOperationErrors',
        'PostgresDown',
        'PostgresTooManyConnections',
        'PostgresReplicationLag',
        'PostgresDeadlocks',
        'PostgresWalArchivingFailing',
        'PostgresBaseBackupFailing',
        'PostgresInstancesMissing',
        'RedisDown',
        'RedisMemoryNearLimit',
        'RedisRejectedConnections',
        'ElasticsearchClusterUnhealthy',
        'ElasticsearchHeapHigh',
        'ElasticsearchDiskAlmostFull',
        'ElasticsearchUnassignedShards',
        'BackupTooOld',
        'PodCrashLooping',
        'TargetDown',
        'AlertmanagerNotificationsFailing',
        'PrometheusRuleEvaluationFailures',
        'PrometheusDroppingAlerts',
      ]),
    );
  });
});

describe('what an environment renders', () => {
  it.each(envs.map((e) => [e.name, e] as const))('%s queries only metrics of jobs it scrapes', (_name, env) => {
    const tier = buildPlatform(env).monitoring;
    const jobs = new Set(tier.jobs);
    expect(tier.jobs).toEqual([...tier.scrapeTargets.map((t) => t.job), ...tier.podTargets.map((t) => t.job), ...(env.monitoring.mode === 'plain' ? ['prometheus'] : [])].sort());
    const queries = [...tier.alertGroups.flatMap((g) => g.alerts.flatMap((a) => a.levels.map((l) => a.expr(l)))), ...tier.dashboards.flatMap(dashboardQueries)];
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) for (const s of sourcesOf(q)) expect(jobs, q.expr).toContain(s);
    expect(tier.dashboards.map((d) => d.uid)).toContain('multi-agent-system');
  });

  it('reads CloudNativePG\'s own metric names where Postgres runs on CloudNativePG', () => {
    const env = envs.find((e) => e.data.postgres.mode === 'cloudnative-pg');
    expect(env, 'an environment on CloudNativePG').toBeDefined();
    const tier = buildPlatform(env!).monitoring;
    const pg = tier.alertGroups.find((g) => g.name === 'postgres')!;
    const exprs = pg.alerts.flatMap((a) => a.levels.map((l) => a.expr(l).expr)).join('\n');
    expect(exprs).toContain('cnpg_collector_up == 0');
    expect(exprs).not.toMatch(/\bpg_up\b/);
    expect(pg.alerts.map((a) => a.name)).toContain('PostgresReplicationLag');
    expect(tier.dashboards.find((d) => d.uid === 'postgres')!.panels.map((p) => p.title)).toContain('Instances up');
  });

  it('renders the Postgres alerts and dashboard once a postgres-exporter is scraped, and not before', async () => {
    const env = envs.find((e) => e.name === 'dev')!;
    const { buildMonitoringTier } = await import('../../../stacks/monitoring-tier.ts');
    const { chartContext } = await import('../../../stacks/chart-context.ts');
    const { postgresAlertGroup } = await import('../../../components/postgres/alerts.ts');
    const { POSTGRES_DASHBOARD } = await import('../../../components/postgres/dashboard.ts');
    const { App, Chart } = await import('cdk8s');
    const { AppDeployment } = await import('../../../constructs/app-deployment.ts');
    const build = (extra: ScrapeTarget[]) => {
      const chart = new Chart(new App(), 'c', { namespace: env.namespace, disableResourceNameHashes: true });
      const exporter = new AppDeployment(chart, 'pg', {
        name: 'postgres-exporter',
        component: 'database',
        image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
        port: { name: 'metrics', containerPort: 9187 },
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      });
      const targets = extra.length ? [{ ...extra[0]!, workload: exporter }] : [];
      return buildMonitoringTier(chart, chartContext(env), { scrapeTargets: targets, apiMemoryLimitBytes: 2 ** 30, alertGroups: [postgresAlertGroup()], dashboards: [POSTGRES_DASHBOARD] });
    };
    const target: ScrapeTarget = { job: 'postgres-exporter', workload: undefined as never, serviceName: 'postgres-exporter', port: 9187, portName: 'metrics', interval: Duration.seconds(30) };
    const without = build([]);
    expect(without.alertGroups.map((g) => g.name)).not.toContain('postgres');
    expect(without.dashboards.map((d) => d.uid)).not.toContain('postgres');
    const withPg = build([target]);
    expect(withPg.alertGroups.find((g) => g.name === 'postgres')!.alerts.map((a) => a.name)).toEqual(['PostgresDown', 'PostgresTooManyConnections', 'PostgresDeadlocks']);
    expect(withPg.dashboards.map((d) => d.uid)).toContain('postgres');
    expect(withPg.dashboards.find((d) => d.uid === 'postgres')!.panels.map((p) => p.title)).toContain('Replication lag');
  });
});

describeWithBinaries('PromQL parses', ['promtool'], 'build it with `npm run tools:build`', (bin) => {
  it('every alert and dashboard expression is accepted by promtool', () => {
    const dir = tempDir('promql');
    temps.push(dir);
    const all = [...ALERT_QUERIES, ...DASHBOARD_QUERIES];
    // Recording rules are the cheapest way to have promtool parse arbitrary expressions.
    writeFiles(dir, {
      'queries.yml': toYaml({ groups: [{ name: 'queries', rules: all.map((q, i) => ({ record: `check:query_${i}`, expr: q.query.expr })) }] }),
    });
    const result = run(bin['promtool']!, ['check', 'rules', join(dir, 'queries.yml')]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${all.length} rules found`);
  });

  it('rejects an expression that does not parse (the check can fail)', () => {
    const dir = tempDir('promql-bad');
    temps.push(dir);
    writeFiles(dir, { 'bad.yml': toYaml({ groups: [{ name: 'bad', rules: [{ record: 'check:bad', expr: 'sum by (job (up)' }] }] }) });
    expect(run(bin['promtool']!, ['check', 'rules', join(dir, 'bad.yml')]).code).not.toBe(0);
  });
});

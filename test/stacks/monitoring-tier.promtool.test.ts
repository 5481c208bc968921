/**
 * The rendered monitoring configuration of every environment, checked by the real tools:
 * promtool (config, rules, rule unit tests) and amtool (config, routing of representative alerts).
 * Files come from the rendered ConfigMaps and are laid out as the pods mount them.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { type Environment, environmentSchema } from '../../environments/schema/index.ts';
import type { AlertGroup } from '../../constructs/monitoring/alert-definition.ts';
import { promtoolTests, ruleFileName } from '../../constructs/monitoring/rule-files.ts';
import { promDuration } from '../../kube/duration.ts';
import { buildPlatform } from '../../stacks/platform-chart.ts';
import { manifestsOf } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { validateManifest } from '../../stacks/validate.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { configMapData, run, tempDir, toYaml, writeFiles } from '../support/monitoring-files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const envs = loadEnvironments(join(ROOT, 'environments'));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Rendered {
  readonly env: Environment;
  readonly manifests: Manifest[];
  readonly chart: ReturnType<typeof buildPlatform>;
}

function render(env: Environment): Rendered {
  const chart = buildPlatform(env);
  return { env, chart, manifests: manifestsOf(chart) };
}

/**
 * Every discovery block is exactly what we mean: EndpointSlices of our own namespace, or pods of
 * the edge in their add-on namespaces. promtool then reads the file as rendered, discovery
 * included: it is built with Kubernetes service discovery at the server's own version
 * (tools/go-tools/pins.ts).
 */
function expectOwnDiscovery(text: string, namespace: string): void {
  const config = yaml.load(text) as { scrape_configs: Record<string, unknown>[] };
  for (const job of config.scrape_configs) {
    if (!('kubernetes_sd_configs' in job)) continue;
    const sd = (job['kubernetes_sd_configs'] as { role: string; namespaces: { names: string[] } }[])[0]!;
    // Pods of the edge live in add-on namespaces (Envoy Gateway's, cert-manager's), found by label.
    if (sd.role === 'pod') expect(sd.namespaces.names, String(job['job_name'])).toEqual([expect.not.stringMatching(new RegExp(`^${namespace}$`))]);
    else expect(job['kubernetes_sd_configs'], String(job['job_name'])).toEqual([{ role: 'endpointslice', namespaces: { names: [namespace] } }]);
  }
}

/** prometheus.yml, rules/ and the promtool test file of a plain-mode environment, in a fresh directory. */
function layOutPrometheus(r: Rendered): string {
  const dir = tempDir(`prometheus-${r.env.name}`);
  temps.push(dir);
  const rules = configMapData(r.manifests, 'prometheus-rules');
  const config = configMapData(r.manifests, 'prometheus-config')['prometheus.yml']!;
  expectOwnDiscovery(config, r.env.namespace);
  writeFiles(dir, {
    'prometheus.yml': config,
    ...Object.fromEntries(Object.entries(rules).map(([f, text]) => [`rules/${f}`, text])),
    ...testFiles(r, (g) => `rules/${ruleFileName(g)}`),
  });
  return dir;
}

/** One promtool test file per alert group (`tests/<group>.test.yml`), each loading the rule file that holds the group. */
function testFiles(r: Rendered, ruleFileOf: (g: AlertGroup) => string): Record<string, string> {
  return Object.fromEntries(
    r.chart.monitoring.alertGroups.map((g) => [
      `tests/${g.name}.test.yml`,
      toYaml(promtoolTests(g, { ruleFiles: [`../${ruleFileOf(g)}`], evaluationInterval: promDuration(r.env.monitoring.evaluationInterval), runbookBaseUrl: r.env.monitoring.runbookBaseUrl })),
    ]),
  );
}

function testPaths(r: Rendered, dir: string): string[] {
  return r.chart.monitoring.alertGroups.map((g) => join(dir, 'tests', `${g.name}.test.yml`));
}

function layOutAlertmanager(r: Rendered): string {
  const dir = tempDir(`alertmanager-${r.env.name}`);
  temps.push(dir);
  writeFiles(dir, { 'alertmanager.yml': configMapData(r.manifests, 'alertmanager-config')['alertmanager.yml']! });
  return join(dir, 'alertmanager.yml');
}

/** Label sets worth routing, and the receivers the environment's route policy promises for each. */
function representativeAlerts(env: Environment): { labels: Record<string, string>; receivers: string[] }[] {
  const route = env.monitoring.alertmanager!.route;
  const components = [...new Set(['api', 'langmem', 'monitoring', ...Object.keys(route.components)])].sort();
  const out: { labels: Record<string, string>; receivers: string[] }[] = [];
  for (const component of components) {
    const owner = route.components[component];
    out.push({ labels: { severity: 'critical', component }, receivers: owner ? [route.critical, owner] : [route.critical] });
    out.push({ labels: { severity: 'warning', component }, receivers: [owner ?? route.warning] });
  }
  out.push({ labels: { severity: 'info', alertname: 'Watchdog' }, receivers: [route.default] });
  return out;
}

describeWithBinaries('rendered monitoring configuration', ['promtool', 'amtool'], 'build them with `npm run tools:build`', (bin) => {
  const promtool = bin['promtool']!;
  const amtool = bin['amtool']!;

  describe.each(envs.map((e) => [e.name, e] as const))('%s', (_name, env) => {
    const r = render(env);
    const plain = env.monitoring.mode === 'plain';

    it.runIf(plain)('passes promtool check config, rule files included', () => {
      const dir = layOutPrometheus(r);
      const result = run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(result.output).toContain('SUCCESS');
      expect(result.output).not.toContain('FAILED');
      expect(result.code, result.output).toBe(0);
      // The rule files were found through prometheus.yml's own glob, not passed by hand.
      for (const g of r.chart.monitoring.ruleGroups) expect(result.output).toContain(ruleFileName(g));
    });

    it.runIf(plain)('passes promtool check rules', () => {
      const dir = layOutPrometheus(r);
      const files = r.chart.monitoring.ruleGroups.map((g) => join(dir, 'rules', ruleFileName(g)));
      expect(files.length).toBeGreaterThan(0);
      const result = run(promtool, ['check', 'rules', ...files]);
      expect(result.code, result.output).toBe(0);
    });

    it.runIf(plain)('passes promtool test rules: every alert fires on its firing series and stays quiet on the others', () => {
      const dir = layOutPrometheus(r);
      const files = testPaths(r, dir);
      const cases = files.flatMap((f) => (yaml.load(readFileSync(f, 'utf8')) as { tests: unknown[] }).tests);
      expect(cases.length).toBeGreaterThanOrEqual(2 * r.chart.monitoring.alertGroups.flatMap((g) => g.alerts).length);
      const result = run(promtool, ['test', 'rules', ...files]);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS');
    });

    it.runIf(plain)('passes amtool check-config', () => {
      const result = run(amtool, ['check-config', layOutAlertmanager(r)]);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(`${env.monitoring.alertmanager!.receivers.length} receivers`);
      expect(result.output).toContain('1 inhibit rules');
    });

    it.runIf(plain)('routes representative alerts to the receivers the environment names (amtool config routes test)', () => {
      const file = layOutAlertmanager(r);
      for (const a of representativeAlerts(env)) {
        const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`);
        const result = run(amtool, ['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${a.receivers.join(',')}`, ...labels]);
        expect(result.code, `${labels.join(' ')} -> ${a.receivers.join(',')}: ${result.output}`).toBe(0);
      }
    });
  });

  it('fails promtool test rules when a threshold drifts from its test (the check can fail)', () => {
    const r = render(envs.find((e) => e.name === 'dev')!);
    const dir = layOutPrometheus(r);
    const file = join(dir, 'rules', 'agent-api.rules.yml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('multiagent_cpu_usage_percent > 80');
    writeFiles(dir, { 'rules/agent-api.rules.yml': text.replace('multiagent_cpu_usage_percent > 80', 'multiagent_cpu_usage_percent > 95') });
    const result = run(promtool, ['test', 'rules', join(dir, 'tests', 'agent-api.test.yml')]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('AgentApiHighCpu');
  });

  it('fails promtool check config on a discovery role the server does not know (kubernetes_sd_configs are read, not skipped)', () => {
    const r = render(envs.find((e) => e.name === 'dev')!);
    const dir = layOutPrometheus(r);
    const text = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
    expect(text).toContain('role: endpointslice');
    writeFiles(dir, { 'prometheus.yml': text.replace('role: endpointslice', 'role: endpointslices') });
    const result = run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('endpointslices');
  });

  it('fails amtool config routes test when an alert would reach the wrong receiver (the check can fail)', () => {
    const prod = envs.find((e) => e.name === 'prod')!;
    const file = layOutAlertmanager(render(prod));
    const result = run(amtool, ['config', 'routes', 'test', `--config.file=${file}`, '--verify.receivers=platform-alerts', 'severity=critical', 'component=api']);
    expect(result.code).toBe(1);
  });

  describe('operator mode', () => {
    const prodInput = yaml.load(readFileSync(join(ROOT, 'environments', 'prod.yaml'), 'utf8')) as Record<string, any>;
    const env = environmentSchema.parse({
      ...prodInput,
      monitoring: { ...prodInput['monitoring'], mode: 'operator', operator: { namespace: 'monitoring', prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090' } },
    });
    const r = render(env);

    it('renders ServiceMonitors, a PrometheusRule and an AlertmanagerConfig instead of Prometheus and Alertmanager', async () => {
      const kinds = r.manifests.map((m) => `${m.kind}/${m.metadata.name}`);
      expect(kinds).not.toContain('StatefulSet/prometheus');
      expect(kinds).not.toContain('StatefulSet/alertmanager');
      expect(kinds).toContain('PrometheusRule/agent-platform-alerts');
      expect(kinds).toContain('AlertmanagerConfig/agent-platform-alerts');
      const monitors = r.manifests.filter((m) => m.kind === 'ServiceMonitor').map((m) => m.metadata.name).sort();
      expect(monitors).toEqual(r.chart.monitoring.scrapeTargets.map((t) => t.job).sort());
      for (const m of r.manifests.filter((x) => ['ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig'].includes(x.kind))) {
        await validateManifest(m, `${m.kind} ${m.metadata.name}`);
        expect((m.metadata['labels'] as Record<string, string>)['release']).toBe('kube-prometheus-stack');
      }
    });

    it("lets the operator's Prometheus reach every target and Grafana reach it", () => {
      const api = r.manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'agent-api')!;
      expect(JSON.stringify(api['spec'])).toContain('"kubernetes.io/metadata.name":"monitoring"');
      const grafana = r.manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'grafana')! as Record<string, any>;
      expect(grafana['spec'].egress.some((e: any) => e.to[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring' && e.ports[0].port === 9090)).toBe(true);
    });

    it("holds rules that pass promtool check rules and test rules", () => {
      const rule = r.manifests.find((m) => m.kind === 'PrometheusRule')! as Record<string, any>;
      const dir = tempDir('prometheus-rule');
      temps.push(dir);
      // One file per group, as the PrometheusRule holds them, so each test file loads only its group.
      const groups = rule['spec'].groups as { name: string }[];
      writeFiles(dir, {
        ...Object.fromEntries(groups.map((g) => [`rules/${g.name}.yml`, toYaml({ groups: [g] })])),
        ...testFiles(r, (g) => `rules/${g.name}.yml`),
      });
      expect(groups.map((g) => g.name)).toEqual(r.chart.monitoring.alertGroups.map((g) => g.name));
      const check = run(promtool, ['check', 'rules', ...groups.map((g) => join(dir, 'rules', `${g.name}.yml`))]);
      expect(check.code, check.output).toBe(0);
      const test = run(promtool, ['test', 'rules', ...testPaths(r, dir)]);
      expect(test.code, test.output).toBe(0);
    });
  });
});

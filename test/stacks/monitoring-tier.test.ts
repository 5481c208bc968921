/**
 * The monitoring tier of every environment, as rendered: each job points at a Service that exists
 * with the named port, Prometheus may reach each target's pods and only those, and nothing is
 * scraped that no component registered.
 */
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { STORES } from '../../components/index.ts';
import { DASHBOARDS } from '../../constructs/monitoring/dashboards.ts';
import { loadEnvironments } from '../../environments/load.ts';
import { buildPlatform } from '../../stacks/platform-chart.ts';
import { manifestsOf } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { configMapData } from '../support/monitoring-files.ts';

const envs = loadEnvironments(join(import.meta.dirname, '..', '..', 'environments'));
type Obj = Record<string, any>;

describe.each(envs.map((e) => [e.name, e] as const))('monitoring tier of %s', (_name, env) => {
  const chart = buildPlatform(env);
  const manifests = manifestsOf(chart);
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name) as (Manifest & Obj) | undefined;
  const tier = chart.monitoring;

  it('scrapes every target through a Service that exists and names the port', () => {
    for (const t of tier.scrapeTargets) {
      const svc = find('Service', t.serviceName);
      expect(svc, `${t.job}: Service ${t.serviceName}`).toBeDefined();
      expect(svc!['spec'].ports.map((p: Obj) => p.name), `${t.job}: port ${t.portName}`).toContain(t.portName);
      // The Service selects exactly the pods the NetworkPolicy rules are written for.
      expect(svc!['spec'].selector, t.job).toMatchObject({ ...t.workload.connections.podSelector });
    }
  });

  it('lets Prometheus reach each target on its port, in both NetworkPolicies', () => {
    const prom = find('NetworkPolicy', 'prometheus');
    expect(prom).toBeDefined();
    for (const t of tier.scrapeTargets) {
      const selector = { ...t.workload.connections.podSelector };
      const egress = (prom!['spec'].egress as Obj[]).filter((e) => JSON.stringify(e.to[0].podSelector?.matchLabels) === JSON.stringify(selector));
      expect(egress.flatMap((e) => e.ports.map((p: Obj) => p.port)), `${t.job}: egress`).toContain(t.port);
      const target = find('NetworkPolicy', t.workload.connections.name)!;
      const ingress = (target['spec'].ingress as Obj[]).filter((i) => i.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus');
      expect(ingress.flatMap((i) => i.ports.map((p: Obj) => p.port)), `${t.job}: ingress`).toContain(t.port);
    }
  });

  it('scrapes exactly the registered jobs, and Prometheus itself', () => {
    const config = yaml.load(configMapData(manifests, 'prometheus-config')['prometheus.yml']!) as Obj;
    expect(config['scrape_configs'].map((j: Obj) => j.job_name).sort()).toEqual([...tier.jobs]);
    expect(tier.jobs).toEqual(expect.arrayContaining(['agent-api', 'langmem', 'kube-state-metrics', 'alertmanager', 'grafana', 'prometheus']));
  });

  it('renders the data tier\'s exporters, backups and dashboards', () => {
    const exporters = chart.data.scrapeTargets.map((t) => t.job);
    expect(exporters.length).toBeGreaterThan(0);
    expect(tier.jobs).toEqual(expect.arrayContaining(exporters));
    const backupAlerts = tier.alertGroups.find((g) => g.name === 'backups')?.alerts ?? [];
    expect(backupAlerts.map((a) => a.labels?.['backup']).sort()).toEqual(chart.data.backups.map((b) => b.cronJobName).sort());
    // The platform's own dashboards, then one per store module (dev runs every store in the cluster).
    expect(tier.dashboards.map((d) => d.uid)).toEqual([...DASHBOARDS, ...chart.data.dashboards].map((d) => d.uid));
    expect(chart.data.dashboards.map((d) => d.uid)).toEqual(STORES.flatMap((s) => s.monitoring.dashboards.map((d) => d.uid)));
  });

  it('holds no credential in any monitoring ConfigMap', () => {
    for (const name of ['prometheus-config', 'prometheus-rules', 'alertmanager-config', 'grafana-datasources']) {
      const text = Object.values(configMapData(manifests, name)).join('\n');
      // Grafana's logs datasource names its password as an environment variable it expands (`$NAME`).
      expect(text, name).not.toMatch(/hooks\.slack\.com|password:(?! \$[A-Z][A-Z0-9_]*$)|api_url:|routing_key:|service_key:/im);
    }
    const am = configMapData(manifests, 'alertmanager-config')['alertmanager.yml']!;
    for (const r of env.monitoring.alertmanager!.receivers) expect(am).toContain(`/etc/alertmanager/secrets/${r.name}-`);
  });
});

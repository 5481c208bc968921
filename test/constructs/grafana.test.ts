import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, dashboardJson } from '../../constructs/monitoring/dashboards.ts';
import { type Obj, only } from '../support/charts.ts';
import { grafana, container } from '../support/monitoring-charts.ts';

describe('Grafana', () => {
  it('takes its admin password from the secret store, never from a literal', () => {
    const { chart } = grafana();
    const env = container(only(chart, 'Deployment', 'grafana')).env as Obj[];
    expect(env.find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD')).toEqual({
      name: 'GF_SECURITY_ADMIN_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } },
    });
    expect(only(chart, 'ExternalSecret', 'grafana-admin').spec.data).toEqual([
      { secretKey: 'admin-password', remoteRef: { key: 'agent-platform/test/grafana', property: 'admin-password' } },
    ]);
  });

  it('is restarted only when its process hangs, and taken out of the Service when its database is unwell', () => {
    const c = container(only(grafana().chart, 'Deployment', 'grafana'));
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/api/health');
  });

  it('provisions the Prometheus datasource and every dashboard by its stable uid', () => {
    const { chart } = grafana();
    const ds = yaml.load(only(chart, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as Obj;
    expect(ds['datasources'][0]).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus.test.svc:9090', editable: false });
    const files = only(chart, 'ConfigMap', 'grafana-dashboards').data as Record<string, string>;
    expect(Object.keys(files)).toEqual(['backups.json', 'elasticsearch.json', 'langmem.json', 'multi-agent-system.json', 'postgres.json', 'redis.json']);
    expect(JSON.parse(files['multi-agent-system.json']!)).toMatchObject({ uid: 'multi-agent-system', title: 'Multi-Agent System Monitoring' });
  });

  it('lays the system dashboard out as the design has it', () => {
    const d = dashboardJson(DASHBOARDS.find((x) => x.uid === 'multi-agent-system')!) as Obj;
    expect(d['panels'].map((p: Obj) => p.title)).toEqual(expect.arrayContaining(['Request rate', 'Response time', 'Error rate', 'Active agents', 'Customer satisfaction']));
    expect(d['panels'].find((p: Obj) => p.title === 'Response time').targets.map((t: Obj) => t.legendFormat)).toEqual(['p95', 'p50']);
    // No two panels overlap.
    const cells = new Set<string>();
    for (const p of d['panels'] as Obj[]) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), p.title).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('adds Elasticsearch as the logs datasource with its password from a secret, when given one', () => {
    const { chart } = grafana({ logs: { url: 'http://elasticsearch.test.svc:9200', index: 'ai-agent-*', user: 'grafana-logs', password: { name: 'es-readers', key: 'GRAFANA_LOGS_PASSWORD' } } });
    const cm = only(chart, 'ConfigMap', 'grafana-datasources').data['datasources.yaml'] as string;
    const logs = (yaml.load(cm) as Obj)['datasources'].find((d: Obj) => d.uid === 'logs');
    expect(logs).toMatchObject({ type: 'elasticsearch', basicAuthUser: 'grafana-logs', jsonData: { index: 'ai-agent-*', timeField: '@timestamp' } });
    expect(logs.secureJsonData).toEqual({ basicAuthPassword: '$LOGS_DATASOURCE_PASSWORD' });
    expect(container(only(chart, 'Deployment', 'grafana')).env).toContainEqual({
      name: 'LOGS_DATASOURCE_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'es-readers', key: 'GRAFANA_LOGS_PASSWORD' } },
    });
    expect(cm).not.toContain('uid: logs\n'.repeat(2));
    const plain = only(grafana().chart, 'ConfigMap', 'grafana-datasources').data['datasources.yaml'] as string;
    expect(plain).not.toContain('elasticsearch');
  });

  it('refuses dashboards too large for Argo CD to apply', () => {
    const huge = { ...DASHBOARDS[0]!, uid: 'huge', panels: Array.from({ length: 400 }, () => DASHBOARDS[0]!.panels).flat() };
    expect(() => grafana({ dashboards: [huge] })).toThrowError(/^Grafana grafana: ConfigMap grafana-dashboards would hold \d+ bytes; client-side apply \(Argo CD's default\) refuses more than 262144/);
  });

  it('refuses two dashboards with one uid', () => {
    expect(() => grafana({ dashboards: [DASHBOARDS[0]!, DASHBOARDS[0]!] })).toThrowError('Grafana grafana: dashboard uid "multi-agent-system" is used twice; uids must be unique');
  });
});

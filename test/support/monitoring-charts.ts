/** The monitoring constructs as the construct tests render them: a namespace naming the cluster DNS, the API's scrape targets, and each server with small resources. */
import { Duration, Size } from 'cdk8s';
import { Alertmanager, type AlertmanagerProps } from '../../constructs/alertmanager.ts';
import { AppDeployment } from '../../constructs/app-deployment.ts';
import type { ExternalPeer } from '../../constructs/external-peer.ts';
import { Grafana, type GrafanaProps } from '../../constructs/grafana.ts';
import { STORES } from '../../components/index.ts';
import { DASHBOARDS } from '../../constructs/monitoring/dashboards.ts';
import { Prometheus, type PrometheusProps } from '../../constructs/prometheus.ts';
import type { ScrapeTarget } from '../../constructs/scrape-target.ts';
import { PlatformNamespace } from '../../constructs/platform-namespace.ts';
import { type Obj, testChart } from './charts.ts';

export const dns: ExternalPeer = { name: 'cluster DNS', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
export const internet: ExternalPeer = { name: 'internet', ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } };
/** A chart whose namespace names the cluster DNS, as every environment's does: each egress policy allows it. */
export function namespaceChart(): ReturnType<typeof testChart> {
  const chart = testChart();
  new PlatformNamespace(chart, 'namespace', { name: 'test', dns });
  return chart;
}
export const small = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } };

export function api(chart: ReturnType<typeof testChart>): AppDeployment {
  return new AppDeployment(chart, 'api', { name: 'agent-api', component: 'api', image: 'svc:1.0.0', port: { name: 'http', containerPort: 8000 }, resources: small });
}

export function apiTargets(workload: AppDeployment): ScrapeTarget[] {
  return [
    { job: 'agent-api', workload, serviceName: 'agent-api', port: 8000, portName: 'http', path: '/metrics', interval: Duration.seconds(10) },
    { job: 'langmem', workload, serviceName: 'agent-api', port: 8000, portName: 'http', path: '/metrics/memory', interval: Duration.seconds(30) },
  ];
}

export function prometheus(extra: Partial<PrometheusProps> = {}) {
  const chart = namespaceChart();
  const workload = api(chart);
  const p = new Prometheus(chart, 'prometheus', {
    image: 'quay.io/prometheus/prometheus:v2.55.1',
    namespace: 'test',
    scrapeTargets: apiTargets(workload),
    ruleGroups: [{ name: 'agent-api', rules: [{ alert: 'X', expr: 'up == 0', labels: { severity: 'warning', component: 'api' }, annotations: { summary: 's', description: 'd', runbook_url: 'https://r/x' } }] }],
    retentionTime: Duration.hours(200),
    retentionSize: Size.gibibytes(9),
    storage: Size.gibibytes(10),
    resources: small,
    kubernetesApi: { cidrs: ['10.0.0.1/32'], ports: [443] },
    ...extra,
  });
  return { chart, prometheus: p };
}

export const receivers: AlertmanagerProps['receivers'] = [
  { name: 'oncall', type: 'pagerduty' },
  { name: 'team', type: 'slack', channel: '#alerts' },
  { name: 'bridge', type: 'webhook', url: 'https://incidents.example.com:8443/hook' },
];

export function alertmanager(extra: Partial<AlertmanagerProps> = {}) {
  const chart = namespaceChart();
  const am = new Alertmanager(chart, 'alertmanager', {
    image: 'quay.io/prometheus/alertmanager:v0.27.0',
    namespace: 'test',
    receivers,
    routing: { default: 'team', critical: 'oncall', warning: 'team', components: { backup: 'bridge' } },
    secretStore: { kind: 'ClusterSecretStore', name: 'store' },
    remoteKey: 'agent-platform/test/alertmanager',
    storage: Size.gibibytes(1),
    resources: small,
    internet,
    ...extra,
  });
  return { chart, alertmanager: am };
}

export function grafana(extra: Partial<GrafanaProps> = {}) {
  const chart = namespaceChart();
  const g = new Grafana(chart, 'grafana', {
    image: 'docker.io/grafana/grafana:11.6.1',
    resources: small,
    prometheusUrl: 'http://prometheus.test.svc:9090',
    dashboards: [...DASHBOARDS, ...STORES.flatMap((s) => s.monitoring.dashboards)],
    secretStore: { kind: 'ClusterSecretStore', name: 'store' },
    remoteKey: 'agent-platform/test/grafana',
    ...extra,
  });
  return { chart, grafana: g };
}

export const container = (o: Obj) => o['spec'].template.spec.containers[0];


import { Duration, Size } from 'cdk8s';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { monitoring } from '../environments/schema/monitoring.ts';
import { Alertmanager, type AlertmanagerProps } from '../constructs/alertmanager.ts';
import { AlertmanagerConfig } from '../constructs/alertmanager-config.ts';
import { AppDeployment } from '../constructs/app-deployment.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import { Grafana, type GrafanaProps } from '../constructs/grafana.ts';
import { KubeStateMetrics } from '../constructs/kube-state-metrics.ts';
import { prometheusConfig } from '../constructs/monitoring/prometheus-config.ts';
import { STORES } from '../components/index.ts';
import { DASHBOARDS, dashboardJson } from '../constructs/monitoring/dashboards.ts';
import { promDuration } from '../kube/duration.ts';
import { binaryQuantity, sizeOf } from '../kube/quantity.ts';
import { Prometheus, prometheusSize, type PrometheusProps } from '../constructs/prometheus.ts';
import { PrometheusRule } from '../constructs/prometheus-rule.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import { ServiceMonitor } from '../constructs/service-monitor.ts';
import { PlatformNamespace } from '../constructs/platform-namespace.ts';
import { validateManifest } from '../stacks/validate.ts';
import { type Obj, objects, only, testChart } from './support/charts.ts';

const dns: ExternalPeer = { name: 'cluster DNS', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
const internet: ExternalPeer = { name: 'internet', ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } };
/** A chart whose namespace names the cluster DNS, as every environment's does: each egress policy allows it. */
function namespaceChart(): ReturnType<typeof testChart> {
  const chart = testChart();
  new PlatformNamespace(chart, 'namespace', { name: 'test', dns });
  return chart;
}
const small = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } };

function api(chart: ReturnType<typeof testChart>): AppDeployment {
  return new AppDeployment(chart, 'api', { name: 'agent-api', component: 'api', image: 'svc:1.0.0', port: { name: 'http', containerPort: 8000 }, resources: small });
}

function apiTargets(workload: AppDeployment): ScrapeTarget[] {
  return [
    { job: 'agent-api', workload, serviceName: 'agent-api', port: 8000, portName: 'http', path: '/metrics', interval: Duration.seconds(10) },
    { job: 'langmem', workload, serviceName: 'agent-api', port: 8000, portName: 'http', path: '/metrics/memory', interval: Duration.seconds(30) },
  ];
}

function prometheus(extra: Partial<PrometheusProps> = {}) {
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

const receivers: AlertmanagerProps['receivers'] = [
  { name: 'oncall', type: 'pagerduty' },
  { name: 'team', type: 'slack', channel: '#alerts' },
  { name: 'bridge', type: 'webhook', url: 'https://incidents.example.com:8443/hook' },
];

function alertmanager(extra: Partial<AlertmanagerProps> = {}) {
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

function grafana(extra: Partial<GrafanaProps> = {}) {
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

const container = (o: Obj) => o['spec'].template.spec.containers[0];

describe('Prometheus', () => {
  it('runs as nobody with a read-only root filesystem, and keeps a token only because discovery needs it', () => {
    const { chart } = prometheus();
    const sts = only(chart, 'StatefulSet', 'prometheus');
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(sts).securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(container(sts).resources.limits.memory).toBe('128Mi');
  });

  it('discovers targets with a Role in its own namespace, never a ClusterRole', () => {
    const { chart } = prometheus();
    const all = objects(chart);
    expect(all.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    expect(only(all, 'Role', 'prometheus').rules).toEqual([
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(only(all, 'RoleBinding', 'prometheus').subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'test' }]);
  });

  it('keeps samples for the retention time and size it is given, on a volume of the storage size', () => {
    const { chart } = prometheus();
    const sts = only(chart, 'StatefulSet', 'prometheus');
    expect(container(sts).args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=200h', '--storage.tsdb.retention.size=9GB']));
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
  });

  it('has one job per scrape target with its path and interval, and reaches each workload port once', () => {
    const { chart, prometheus: p } = prometheus();
    const config = yaml.load(p.configYaml) as Obj;
    expect(config['scrape_configs'].map((j: Obj) => [j['job_name'], j['metrics_path'], j['scrape_interval']])).toEqual([
      ['prometheus', undefined, undefined],
      ['agent-api', '/metrics', '10s'],
      ['langmem', '/metrics/memory', '30s'],
    ]);
    const egress = only(chart, 'NetworkPolicy', 'prometheus').spec.egress as Obj[];
    const toApi = egress.filter((e) => e.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'agent-api');
    expect(toApi).toEqual([{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-api', 'app.kubernetes.io/part-of': 'agent-platform' } } }], ports: [{ port: 8000, protocol: 'TCP' }] }]);
    const ingress = only(chart, 'NetworkPolicy', 'agent-api').spec.ingress as Obj[];
    expect(ingress.some((i) => i.from[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'prometheus')).toBe(true);
    expect(egress.some((e) => e.to[0].ipBlock?.cidr === '10.0.0.1/32' && e.ports[0].port === 443)).toBe(true);
  });

  it('mounts its rule files from a ConfigMap and rolls when they change', () => {
    const a = only(prometheus().chart, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config'];
    const { chart } = prometheus({ ruleGroups: [] });
    expect(only(chart, 'ConfigMap', 'prometheus-rules').data).toEqual({});
    expect(only(chart, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config']).not.toBe(a);
    expect(Object.keys(only(prometheus().chart, 'ConfigMap', 'prometheus-rules').data)).toEqual(['agent-api.rules.yml']);
  });

  it('runs independent replicas spread over nodes when asked to', () => {
    const { chart } = prometheus({ replicas: 2 });
    const sts = only(chart, 'StatefulSet', 'prometheus');
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'agent-platform' } } },
    ]);
    expect(only(chart, 'PodDisruptionBudget', 'prometheus').spec.maxUnavailable).toBe(1);
    expect(() => prometheus({ replicas: 0 })).toThrowError('Prometheus prometheus: replicas must be a positive integer, got 0');
  });

  it('refuses a retention size that leaves no room on the volume', () => {
    expect(() => prometheus({ retentionSize: Size.gibibytes(10) })).toThrowError(
      'Prometheus prometheus: retentionSize (10Gi) must be smaller than storage (10Gi), leaving room for the WAL and compaction',
    );
  });

  it('refuses two targets with one job name', () => {
    const chart = testChart();
    const [t] = apiTargets(api(chart));
    const base = { namespace: 'n', scrapeInterval: Duration.seconds(15), evaluationInterval: Duration.seconds(15), externalLabels: {}, selfPort: 9090, ruleFiles: 'rules/*.yml' };
    expect(() => prometheusConfig({ ...base, targets: [t!, t!] })).toThrowError('prometheusConfig: job "agent-api" is registered twice; job names must be unique');
    expect(() => prometheusConfig({ ...base, targets: [{ ...t!, job: 'prometheus' }] })).toThrowError('job "prometheus" is Prometheus\'s own');
  });
});

describe('Alertmanager', () => {
  it('reads every credential from the mounted secret, never from its configuration', () => {
    const { chart, alertmanager: am } = alertmanager();
    const config = yaml.load(am.configYaml) as Obj;
    expect(config['receivers']).toEqual([
      {
        name: 'bridge',
        webhook_configs: [
          { url: 'https://incidents.example.com:8443/hook', send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/bridge-webhook-token' } } },
        ],
      },
      { name: 'oncall', pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/oncall-pagerduty-routing-key', send_resolved: true }] },
      { name: 'team', slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/team-slack-api-url', channel: '#alerts', send_resolved: true }] },
    ]);
    expect(only(chart, 'ExternalSecret', 'alertmanager-receivers').spec.data.map((d: Obj) => d.secretKey)).toEqual([
      'bridge-webhook-token',
      'oncall-pagerduty-routing-key',
      'team-slack-api-url',
    ]);
    const sts = only(chart, 'StatefulSet', 'alertmanager');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'receivers', secret: { secretName: 'alertmanager-receivers', defaultMode: 0o440 } });
  });

  it('routes critical alerts to the pager and to the owning team, and lets criticals silence their warning twins', () => {
    const config = yaml.load(alertmanager().alertmanager.configYaml) as Obj;
    expect(config['route']).toMatchSnapshot();
    expect(config['inhibit_rules']).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'namespace', 'job', 'instance'] },
    ]);
  });

  it('may reach DNS and the receivers\' HTTPS and webhook ports, nothing else', () => {
    const egress = only(alertmanager().chart, 'NetworkPolicy', 'alertmanager').spec.egress as Obj[];
    expect(egress.map((e) => e.ports.map((p: Obj) => p.port))).toEqual([[443, 8443], [53, 53]]);
  });

  it('runs alone without clustering, and as a gossiping cluster with more replicas', () => {
    const single = container(only(alertmanager().chart, 'StatefulSet', 'alertmanager')).args as string[];
    expect(single).toContain('--cluster.listen-address=');
    expect(single.filter((a) => a.startsWith('--cluster.peer'))).toEqual([]);
    const { chart } = alertmanager({ replicas: 2 });
    const args = container(only(chart, 'StatefulSet', 'alertmanager')).args as string[];
    expect(args.filter((a) => a.startsWith('--cluster.peer'))).toEqual([
      '--cluster.peer=alertmanager-0.alertmanager.test.svc:9094',
      '--cluster.peer=alertmanager-1.alertmanager.test.svc:9094',
    ]);
    const ingress = only(chart, 'NetworkPolicy', 'alertmanager').spec.ingress as Obj[];
    expect(ingress.flatMap((i) => i.ports)).toEqual([
      { port: 9094, protocol: 'TCP' },
      { port: 9094, protocol: 'UDP' },
    ]);
  });

  it('refuses a route to a receiver it does not have', () => {
    expect(() => alertmanager({ routing: { default: 'team', critical: 'pager', warning: 'team' } })).toThrowError(
      'alertmanagerConfig: route critical names receiver "pager", which is not among the receivers (oncall, team, bridge)',
    );
  });

  it('refuses to run without receivers', () => {
    expect(() => alertmanager({ receivers: [] })).toThrowError('Alertmanager alertmanager: needs at least one receiver');
  });
});

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

describe('kube-state-metrics', () => {
  it('watches only its namespace, with a Role that can list and watch pods, jobs, cronjobs, deployments and statefulsets', () => {
    const chart = namespaceChart();
    new KubeStateMetrics(chart, 'ksm', { image: 'ksm:v2.15.0', namespace: 'test', resources: small, kubernetesApi: { cidrs: ['0.0.0.0/0'], ports: [443] } });
    const all = objects(chart);
    expect(only(all, 'Role', 'kube-state-metrics').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['list', 'watch'] },
    ]);
    expect(container(only(all, 'Deployment', 'kube-state-metrics')).args).toEqual(
      expect.arrayContaining(['--namespaces=test', '--resources=pods,jobs,cronjobs,deployments,statefulsets']),
    );
    expect(all.filter((o) => o.kind === 'ClusterRole')).toEqual([]);
  });
});

describe('Prometheus Operator objects', () => {
  it('gives a ServiceMonitor the job name, path and interval of its target, and it validates', async () => {
    const chart = testChart();
    const [, langmem] = apiTargets(api(chart));
    new ServiceMonitor(chart, 'sm', { target: langmem!, namespace: 'test', selectorLabels: { release: 'kps' } });
    const sm = only(chart, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('kps');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics/memory', interval: '30s' });
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({ targetLabel: 'job', replacement: 'langmem' });
    await validateManifest(sm, 'ServiceMonitor langmem');
  });

  it('hands the routes to the operator\'s Alertmanager with credentials by secret reference, and it validates', async () => {
    const chart = testChart();
    new AlertmanagerConfig(chart, 'amc', {
      receivers,
      routing: { default: 'team', critical: 'oncall', warning: 'team', components: { backup: 'bridge' } },
      secretStore: { kind: 'ClusterSecretStore', name: 'store' },
      remoteKey: 'agent-platform/test/alertmanager',
      selectorLabels: { release: 'kps' },
    });
    const amc = only(chart, 'AlertmanagerConfig', 'agent-platform-alerts');
    expect(amc.spec.route.routes[0]).toEqual({ matchers: [{ name: 'severity', value: 'critical', matchType: '=' }], receiver: 'oncall', repeatInterval: '1h', continue: true });
    expect(amc.spec.receivers.find((r: Obj) => r.name === 'team').slackConfigs[0].apiURL).toEqual({ name: 'agent-platform-alerts-receivers', key: 'team-slack-api-url' });
    expect(amc.spec.receivers.find((r: Obj) => r.name === 'bridge').webhookConfigs[0].httpConfig.authorization.credentials).toEqual({
      name: 'agent-platform-alerts-receivers',
      key: 'bridge-webhook-token',
    });
    expect(amc.spec.inhibitRules[0].equal).toEqual(['alertname', 'namespace', 'job', 'instance']);
    expect(only(chart, 'ExternalSecret', 'agent-platform-alerts-receivers').spec.data).toHaveLength(3);
    await validateManifest(amc, 'AlertmanagerConfig agent-platform-alerts');
  });

  it('refuses an empty PrometheusRule', () => {
    expect(() => new PrometheusRule(testChart(), 'r', { name: 'alerts', groups: [] })).toThrowError('PrometheusRule alerts: needs at least one rule group');
  });
});

describe('units', () => {
  it('spells durations and sizes the way Prometheus and Kubernetes read them', () => {
    expect([promDuration(Duration.hours(200)), promDuration(Duration.seconds(90)), promDuration(Duration.days(14)), promDuration(Duration.minutes(5))]).toEqual(['200h', '90s', '14d', '5m']);
    expect([binaryQuantity(Size.gibibytes(10)), binaryQuantity(Size.mebibytes(1536))]).toEqual(['10Gi', '1536Mi']);
    expect([prometheusSize(Size.gibibytes(9)), prometheusSize(Size.mebibytes(1536))]).toEqual(['9GB', '1536MB']);
    expect(binaryQuantity(sizeOf('45Gi'))).toBe('45Gi');
  });
});

describe('monitoring settings', () => {
  const base = {
    runbookBaseUrl: 'https://runbooks.example.com',
    alertmanager: { receivers: [{ name: 'team', type: 'slack', channel: '#alerts' }], route: { default: 'team', critical: 'team', warning: 'team' } },
  };
  const issues = (input: unknown) => {
    const r = monitoring.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('fills in the design\'s defaults', () => {
    const m = monitoring.parse(base);
    expect(m).toMatchObject({ mode: 'plain' });
    // Durations and sizes arrive typed: the stacks convert nothing.
    expect([m.scrapeInterval, m.evaluationInterval, m.prometheus.retentionTime].map(promDuration)).toEqual(['15s', '15s', '200h']);
    expect([m.prometheus.retentionSize, m.prometheus.storage].map(binaryQuantity)).toEqual(['9Gi', '10Gi']);
    expect([m.alertmanager!.repeatInterval.critical, m.alertmanager!.repeatInterval.warning].map(promDuration)).toEqual(['1h', '12h']);
  });

  it('reports a route to an unknown receiver, with the ones that exist', () => {
    expect(issues({ ...base, alertmanager: { ...base.alertmanager, route: { default: 'team', critical: 'pager', warning: 'team', components: { postgres: 'dba' } } } })).toEqual([
      'alertmanager.route.critical: one of the receivers (team)',
      'alertmanager.route.components.postgres: one of the receivers (team)',
    ]);
  });

  it('reports a retention size that fills the volume', () => {
    expect(issues({ ...base, prometheus: { retentionSize: '10Gi', storage: '10Gi' } })).toEqual([
      'prometheus.retentionSize: a size smaller than the volume (10Gi), leaving room for the WAL and compaction',
    ]);
  });

  it('asks for the operator section in operator mode, and for Alertmanager routes in plain mode', () => {
    expect(issues({ ...base, mode: 'operator' })).toEqual(['operator: an operator section (namespace, prometheusUrl) when mode is "operator"']);
    expect(issues({ runbookBaseUrl: base.runbookBaseUrl, mode: 'operator', operator: { namespace: 'monitoring', prometheusUrl: 'http://p:9090' } })).toEqual([]);
    expect(issues({ runbookBaseUrl: base.runbookBaseUrl })).toEqual(['alertmanager: an alertmanager section (receivers, route) when mode is "plain"']);
  });

  it('refuses a receiver URL in plain http for Slack-like settings and a receiver name used twice', () => {
    const twice = { ...base, alertmanager: { ...base.alertmanager, receivers: [...base.alertmanager.receivers, { name: 'team', type: 'pagerduty' }] } };
    expect(issues(twice)).toEqual(['alertmanager.receivers.1.name: a receiver name used once']);
    expect(issues({ ...base, runbookBaseUrl: 'http://runbooks.example.com' }).length).toBe(1);
  });
});

import { Duration, Size } from 'cdk8s';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { prometheusConfig } from '../../constructs/monitoring/prometheus-config.ts';
import { type Obj, objects, only, testChart } from '../support/charts.ts';
import { api, apiTargets, prometheus, container } from '../support/monitoring-charts.ts';
import { prometheusSize } from '../../constructs/prometheus.ts';

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

describe('prometheusSize', () => {
  it('spells sizes the way Prometheus flags read them', () => {
    expect([prometheusSize(Size.gibibytes(9)), prometheusSize(Size.mebibytes(1536))]).toEqual(['9GB', '1536MB']);
  });
});

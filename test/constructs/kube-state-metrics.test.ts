import { describe, expect, it } from 'vitest';
import { KubeStateMetrics } from '../../constructs/kube-state-metrics.ts';
import { objects, only } from '../support/charts.ts';
import { namespaceChart, small, container } from '../support/monitoring-charts.ts';

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

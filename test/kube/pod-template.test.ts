import { describe, expect, it } from 'vitest';
import { containersOf, podTemplateOf, WORKLOAD_KINDS } from '../../kube/pod-template.ts';

const pod = { metadata: { labels: { app: 'x', n: 1 } }, spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'main' }] } };

describe('podTemplateOf', () => {
  it('finds the template of every workload kind, a CronJob two levels down', () => {
    expect(podTemplateOf({ kind: 'Deployment', spec: { template: pod } })).toEqual({ spec: pod.spec, path: 'spec.template.spec', labels: { app: 'x' } });
    expect(podTemplateOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: pod } } } })?.path).toBe('spec.jobTemplate.spec.template.spec');
    expect(podTemplateOf({ kind: 'Pod', ...pod })?.path).toBe('spec');
    expect(WORKLOAD_KINDS).toContain('ReplicationController');
  });

  it('gives undefined for kinds without pods and an empty spec for a workload without one', () => {
    expect(podTemplateOf({ kind: 'Service', spec: { template: pod } })).toBeUndefined();
    expect(podTemplateOf({ kind: 'Job' })).toEqual({ spec: {}, path: 'spec.template.spec', labels: {} });
  });

  it('lists init containers with their paths', () => {
    const t = podTemplateOf({ kind: 'Job', spec: { template: pod } })!;
    expect(containersOf(t).map((c) => [c.name, c.path, c.init])).toEqual([
      ['init', 'spec.template.spec.initContainers[0]', true],
      ['main', 'spec.template.spec.containers[0]', false],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { PlatformNamespace } from '../../constructs/platform-namespace.ts';
import { objects, only, testChart } from '../support/charts.ts';

describe('PlatformNamespace', () => {
  const chart = testChart('agent-platform-dev');
  new PlatformNamespace(chart, 'ns', { name: 'agent-platform-dev' });
  const objs = objects(chart);

  it('enforces the restricted Pod Security Standard, pinned to the targeted Kubernetes version', () => {
    const labels = only(objs, 'Namespace').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  it('denies all ingress and egress unless a workload policy allows it', () => {
    const deny = only(objs, 'NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });
});

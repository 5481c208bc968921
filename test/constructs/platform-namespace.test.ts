import { describe, expect, it } from 'vitest';
import { Connections } from '../../constructs/connections.ts';
import { PlatformNamespace } from '../../constructs/platform-namespace.ts';
import { objects, only, testChart } from '../support/charts.ts';

describe('PlatformNamespace', () => {
  const chart = testChart('agent-platform-dev');
  const dns = { name: 'cluster DNS', namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
  new PlatformNamespace(chart, 'ns', { name: 'agent-platform-dev', dns });
  const objs = objects(chart);

  it('enforces the restricted Pod Security Standard, pinned to the targeted Kubernetes version', () => {
    const labels = only(objs, 'Namespace').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.36',
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

  it('gives every workload that may send anything the cluster DNS it names, and nothing to one that may not', () => {
    const c = testChart('agent-platform-dev');
    new PlatformNamespace(c, 'ns', { name: 'agent-platform-dev', dns });
    const client = { connections: new Connections(c, { name: 'client', component: 'a', podSelector: { app: 'client' } }) };
    const store = { connections: new Connections(c, { name: 'store', component: 'b', podSelector: { app: 'store' }, defaultPorts: [{ port: 6379 }] }) };
    const resolver = { connections: new Connections(c, { name: 'resolver', component: 'c', podSelector: { app: 'resolver' } }) };
    client.connections.allowTo(store);
    // An explicit rule to the same DNS is not repeated.
    resolver.connections.allowToDns({ ...dns, name: 'DNS' });
    resolver.connections.allowToExternal({ name: 'internet', ipBlock: { cidr: '0.0.0.0/0' } }, [{ port: 443 }]);
    const dnsRule = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    };
    const all = objects(c);
    expect(only(all, 'NetworkPolicy', 'client').spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: 'store' } } }], ports: [{ port: 6379, protocol: 'TCP' }] }, dnsRule]);
    expect(only(all, 'NetworkPolicy', 'store').spec.egress).toBeUndefined();
    expect(only(all, 'NetworkPolicy', 'resolver').spec.egress.filter((r: { ports: { port: number }[] }) => r.ports[0]!.port === 53)).toEqual([dnsRule]);
  });
});

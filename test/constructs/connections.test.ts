import { describe, expect, it } from 'vitest';
import { Connections } from '../../constructs/connections.ts';
import { objects, only, testChart } from '../support/charts.ts';

function workloads() {
  const chart = testChart();
  const api = { connections: new Connections(chart, { name: 'api', component: 'api', podSelector: { app: 'api' }, defaultPorts: [{ port: 8000 }] }) };
  const db = { connections: new Connections(chart, { name: 'db', component: 'db', podSelector: { app: 'db' }, defaultPorts: [{ port: 5432 }] }) };
  return { chart, api, db };
}

describe('Connections', () => {
  it('writes both sides of a relationship: egress on the client, ingress on the server, on the server port', () => {
    const { chart, api, db } = workloads();
    api.connections.allowTo(db);
    const objs = objects(chart);
    const client = only(objs, 'NetworkPolicy', 'api');
    const server = only(objs, 'NetworkPolicy', 'db');
    expect(client.spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
    expect(server.spec).toEqual({
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
  });

  it('allowFrom is allowTo seen from the other side', () => {
    const a = workloads();
    a.api.connections.allowTo(a.db);
    const b = workloads();
    b.db.connections.allowFrom(b.api);
    expect(objects(b.chart)).toEqual(objects(a.chart));
  });

  it('admits external peers by namespace and pod labels, or by address range', () => {
    const { chart, api } = workloads();
    api.connections.allowFromExternal({ name: 'ingress', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    api.connections.allowToExternal({ name: 'internet', ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }, [{ port: 443 }]);
    const np = only(chart, 'NetworkPolicy', 'api');
    expect(np.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
    ]);
    expect(np.spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('renders no policy for a workload nobody talks to', () => {
    const { chart } = workloads();
    expect(objects(chart)).toEqual([]);
  });

  it('refuses a rule without ports', () => {
    const chart = testChart();
    const a = { connections: new Connections(chart, { name: 'a', component: 'a', podSelector: { app: 'a' } }) };
    const b = { connections: new Connections(chart, { name: 'b', component: 'b', podSelector: { app: 'b' } }) };
    expect(() => a.connections.allowTo(b)).toThrowError('a.allowTo(b): no ports given and b declares none');
  });
});

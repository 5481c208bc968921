import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Connections } from '../../constructs/connections.ts';
import { Relations } from '../../constructs/relations.ts';
import { testChart } from '../support/charts.ts';

const party = (scope: Construct, name: string, defaultPorts = [{ port: 5432 }]) => {
  const c = new Construct(scope, name);
  return Object.assign(c, { connections: new Connections(c, { name, component: name, podSelector: { app: name }, defaultPorts }) });
};
const said = (scope: Construct) => Relations.of(scope).all.map((r) => `${r.client.node.id} -> ${r.server.node.id}: ${r.reason}`);

describe('Relations', () => {
  it('is one registry per construct tree, reached from any construct in it', () => {
    const a = testChart();
    const b = testChart();
    const child = new Construct(a, 'child');
    expect(Relations.of(child)).toBe(Relations.of(a));
    expect(Relations.of(b)).not.toBe(Relations.of(a));
  });

  it('records what a client needs first, with the reason, and makes both parties', () => {
    const chart = testChart();
    const job = new Construct(chart, 'init');
    const api = new Construct(chart, 'api');
    Relations.of(chart).needs(api, job, 'signs in as a user init creates');
    expect(said(chart)).toEqual(['api -> init: signs in as a user init creates']);
    expect([...Relations.of(chart).parties]).toEqual([api, job]);
  });

  it('never makes a construct wait for itself (a store whose nodes talk to each other)', () => {
    const chart = testChart();
    const es = party(chart, 'es');
    es.connections.allowTo(es);
    expect(said(chart)).toEqual([]);
  });

  it('is what Connections reports: allowTo and allowFrom say the client connects to the server', () => {
    const chart = testChart();
    const api = party(chart, 'api', [{ port: 8000 }]);
    const db = party(chart, 'db');
    const prometheus = party(chart, 'prometheus');
    api.connections.allowTo(db);
    api.connections.allowFrom(prometheus);
    expect(said(chart)).toEqual(['api -> db: connects to db', 'prometheus -> api: connects to api']);
  });

  it('startsAfter orders without connecting: a client of the user an init Job creates', () => {
    const chart = testChart();
    const api = party(chart, 'api', [{ port: 8000 }]);
    const init = party(chart, 'init');
    api.connections.startsAfter(init, 'signs in as a role init creates');
    expect(said(chart)).toEqual(['api -> init: signs in as a role init creates']);
    expect(Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  it('knows every workload with Connections as a party, related or not', () => {
    const chart = testChart();
    const lonely = party(chart, 'lonely');
    expect(Relations.of(chart).parties.has(lonely)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { monitoring } from '../../../environments/schema/monitoring.ts';
import { promDuration } from '../../../kube/duration.ts';
import { binaryQuantity } from '../../../kube/quantity.ts';

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

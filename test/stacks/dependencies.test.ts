import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../kube/object.ts';
import { dependencies } from '../../stacks/dependencies.ts';

const labels = { app: 'postgres' };
const postgres: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'postgres', namespace: 'ns' },
  spec: { serviceName: 'postgres', template: { metadata: { labels }, spec: { containers: [{ name: 'pg', env: [{ name: 'POSTGRES_USER', value: 'postgres' }] }] } } },
};
const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'postgres', namespace: 'ns' }, spec: { selector: labels } };
const api: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ns' },
  spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', env: [{ name: 'DATABASE_HOST', value: 'postgres.ns.svc' }] }] } } },
};

const edges = (ms: Manifest[]) => dependencies(ms).map((d) => `${d.from.kind} ${d.from.metadata.name} -> ${d.to.kind} ${d.to.metadata.name}: ${d.reason}`);

describe('dependencies', () => {
  it('reads no configuration text: a value naming a Service (DATABASE_HOST=postgres.ns.svc) is no dependency; the tier reports the connection', () => {
    expect(edges([postgres, service, api]).filter((e) => e.startsWith('Deployment api'))).toEqual([]);
    const reported = [{ from: api, to: postgres, reason: 'connects to postgres' }];
    expect(dependencies([postgres, service, api], reported).filter((d) => d.from === api)).toEqual(reported);
  });

  it('orders a StatefulSet after its governing Service, which does not wait for the pods it governs', () => {
    const named = edges([postgres, service, api]).filter((e) => e.includes('Service postgres'));
    expect(named).toEqual(['StatefulSet postgres -> Service postgres: serviceName postgres']);
  });
});

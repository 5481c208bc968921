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
  it('orders a client after the Service its configuration names, and after that Service\'s pods', () => {
    expect(edges([postgres, service, api])).toEqual(
      expect.arrayContaining(['Deployment api -> Service postgres: configuration names Service postgres', 'Deployment api -> StatefulSet postgres: configuration names Service postgres of StatefulSet postgres']),
    );
  });

  it('never makes a workload wait for its own Service because a value spells its name (POSTGRES_USER=postgres)', () => {
    expect(edges([postgres, service, api]).filter((e) => e.startsWith('StatefulSet postgres -> Service'))).toEqual(['StatefulSet postgres -> Service postgres: serviceName postgres']);
  });
});

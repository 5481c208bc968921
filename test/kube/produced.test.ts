import { describe, expect, it } from 'vitest';
import { producedBy } from '../../kube/produced.ts';
import { dependencies } from '../../stacks/dependencies.ts';
import type { Manifest } from '../../kube/object.ts';

const cluster: Manifest = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'ns' }, spec: {} };

describe('producedBy', () => {
  it('lists what CloudNativePG writes for a Cluster, the superuser Secret with the keys that carry its password', () => {
    const made = producedBy(cluster);
    expect(made.secrets).toEqual(['pg-app', 'pg-superuser', 'pg-ca', 'pg-server', 'pg-replication']);
    expect(made.services.map((s) => s.name)).toEqual(['pg-rw', 'pg-ro', 'pg-r']);
    expect(made.superuserSecrets).toEqual([expect.objectContaining({ secret: 'pg-superuser', user: 'postgres', keys: expect.arrayContaining(['password', 'uri']) })]);
    const given = producedBy({ ...cluster, spec: { superuserSecret: { name: 'mine' } } });
    expect(given.superuserSecrets).toEqual([expect.objectContaining({ secret: 'mine', keys: ['password'] })]);
  });

  it("knows ECK's elastic user Secret", () => {
    const made = producedBy({ apiVersion: 'elasticsearch.k8s.elastic.co/v1', kind: 'Elasticsearch', metadata: { name: 'logs' } });
    expect(made.secrets).toContain('logs-es-elastic-user');
    expect(made.superuserSecrets).toEqual([expect.objectContaining({ secret: 'logs-es-elastic-user', keys: ['elastic'], user: 'elastic' })]);
  });

  it('produces nothing for a kind of the same name in another group, or the core group', () => {
    expect(producedBy({ ...cluster, apiVersion: 'example.com/v1' }).secrets).toEqual([]);
    expect(producedBy({ apiVersion: 'v1', kind: 'ExternalSecret', metadata: { name: 'x' } }).secrets).toEqual([]);
  });

  it('is the list the sync waves order by: a pod reading <cluster>-replication waits for the Cluster', () => {
    const job: Manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'copy', namespace: 'ns' },
      spec: { template: { spec: { volumes: [{ name: 'tls', secret: { secretName: 'pg-replication' } }], containers: [{ name: 'c' }] } } },
    };
    expect(dependencies([cluster, job]).map((d) => [d.from.metadata.name, d.to.metadata.name, d.reason])).toContainEqual(['copy', 'pg', 'secretName pg-replication']);
  });
});

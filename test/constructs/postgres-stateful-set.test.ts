import { describe, expect, it } from 'vitest';
import { postgresMemorySettings, PostgresStatefulSet, type PostgresStatefulSetProps } from '../../constructs/postgres-stateful-set.ts';
import { objects, only, testChart, type Obj } from '../support/charts.ts';
import { expectRestricted } from '../support/restricted.ts';

const RES = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } };

describe('PostgresStatefulSet', () => {
  const props: PostgresStatefulSetProps = {
    image: 'pgvector/pgvector:0.8.0-pg16',
    exporterImage: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
    resources: RES,
    storage: { size: '10Gi', storageClass: 'gp3' },
    superuserPassword: { name: 'postgres-credentials', key: 'POSTGRES_SUPERUSER_PASSWORD' },
  };
  const render = (p: Partial<PostgresStatefulSetProps> = {}) => {
    const chart = testChart();
    new PostgresStatefulSet(chart, 'pg', { ...props, ...p });
    return objects(chart);
  };

  it('runs one pgvector pod with a claim template, pg_isready probes and settings sized from the memory limit', () => {
    const sts = only(render(), 'StatefulSet');
    expect(sts.spec).toMatchObject({ replicas: 1, serviceName: 'postgres-headless' });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'],
      storageClassName: 'gp3',
      resources: { requests: { storage: '10Gi' } },
    });
    const pg = sts.spec.template.spec.containers[0];
    expect(pg.args).toEqual(expect.arrayContaining(['max_connections=200', 'shared_buffers=512MB', 'effective_cache_size=1536MB']));
    expect(pg.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(pg.env.find((e: Obj) => e.name === 'POSTGRES_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'postgres-credentials', key: 'POSTGRES_SUPERUSER_PASSWORD' },
    });
  });

  it('serves postgres-exporter on 9187 through the client Service, beside a headless governing Service', () => {
    const objs = render();
    const exporter = only(objs, 'StatefulSet').spec.template.spec.containers[1];
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9187, protocol: 'TCP' }]);
    expect(only(objs, 'Service', 'postgres').spec.ports.map((p: Obj) => [p.name, p.port])).toEqual([['postgres', 5432], ['metrics', 9187]]);
    expect(only(objs, 'Service', 'postgres-headless').spec.clusterIP).toBe('None');
  });

  it('follows the restricted profile and keeps its data when the StatefulSet is deleted', () => {
    const objs = render();
    expectRestricted(objs);
    expect(only(objs, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('restarts only a server that stops accepting connections, not one that is recovering', () => {
    const [pg, exporter] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(pg.livenessProbe.tcpSocket).toEqual({ port: 'postgres' });
    expect(pg.readinessProbe.exec).toBeDefined();
    // The exporter's readiness gates the pod's: it must never depend on the database.
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/', port: 'metrics' });
  });

  it('sizes shared_buffers at a quarter of the memory limit', () => {
    expect(postgresMemorySettings('4Gi')).toEqual({ sharedBuffers: '1024MB', effectiveCacheSize: '3072MB' });
  });

  it('refuses a memory limit too small for Postgres', () => {
    expect(() => render({ resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } } })).toThrow(
      'PostgresStatefulSet postgres: resources.limits.memory 128Mi is below 256Mi',
    );
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../environments/load.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { dependencies } from '../../stacks/dependencies.ts';
import type { Dependency } from '../../stacks/dependency.ts';
import { SYNC_WAVE_ANNOTATION, syncWaves } from '../../stacks/sync-waves.ts';

const ns = 'agent-platform-prod';
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, ...extra });
const podSpec = (spec: Record<string, unknown>, labels: Record<string, string>) => ({ selector: { matchLabels: labels }, template: { metadata: { labels }, spec } });

/** A small platform as the data and monitoring tiers render it: Postgres, the API, Prometheus. */
function platform(): Manifest[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('postgres-credentials'), spec: { target: { name: 'postgres-credentials' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { DATABASE_HOST: 'agent-postgres', REDIS_URL: 'redis://agent-redis:6379/0' } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('agent-postgres'), spec: { selector: { app: 'postgres' }, clusterIP: 'None' } },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('agent-postgres'),
      spec: {
        serviceName: 'agent-postgres',
        ...podSpec({ containers: [{ name: 'pg', envFrom: [{ secretRef: { name: 'postgres-credentials' } }] }] }, { app: 'postgres' }),
      },
    },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('agent-api'), spec: podSpec({ containers: [{ name: 'api', envFrom: [{ configMapRef: { name: 'settings' } }] }] }, { app: 'api' }) },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('agent-api'), spec: { selector: { app: 'api' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('prometheus-config'), data: { 'prometheus.yml': "scrape_configs:\n  - static_configs: [{ targets: ['agent-api:8000'] }]" } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('prometheus'),
      spec: podSpec({ containers: [{ name: 'prometheus' }], volumes: [{ name: 'config', configMap: { name: 'prometheus-config' } }] }, { app: 'prometheus' }),
    },
  ];
}

/** The connections the tiers report for {@link platform} (constructs/relations.ts): the API to Postgres, Prometheus to the API. */
function connections(list: Manifest[]): Dependency[] {
  const find = (kind: string, name: string) => list.find((m) => m.kind === kind && m.metadata.name === name)!;
  const to = (client: Manifest, kind: string, name: string) => [find(kind, name), find('Service', name)].map((t) => ({ from: client, to: t, reason: `connects to ${name}` }));
  return [...to(find('Deployment', 'agent-api'), 'StatefulSet', 'agent-postgres'), ...to(find('Deployment', 'prometheus'), 'Deployment', 'agent-api')];
}

const waveOf = (waves: Map<Manifest, number>, kind: string, name: string) => [...waves].find(([m]) => m.kind === kind && m.metadata.name === name)![1];

describe('sync waves', () => {
  it('follow the references: namespace, then secrets and config, then data stores, then the app, then monitoring', () => {
    const list = platform();
    const waves = syncWaves(list, connections(list));
    const w = (kind: string, name: string) => waveOf(waves, kind, name);
    expect(w('Namespace', ns)).toBe(0);
    expect(w('ExternalSecret', 'postgres-credentials')).toBe(1);
    expect(w('ConfigMap', 'settings')).toBe(1);
    expect(w('StatefulSet', 'agent-postgres')).toBeGreaterThan(w('ExternalSecret', 'postgres-credentials'));
    // The headless Service governs the StatefulSet, so it comes first, not after.
    expect(w('Service', 'agent-postgres')).toBeLessThan(w('StatefulSet', 'agent-postgres'));
    expect(w('Deployment', 'agent-api')).toBeGreaterThan(w('StatefulSet', 'agent-postgres'));
    expect(w('Service', 'agent-api')).toBeGreaterThan(w('Deployment', 'agent-api'));
    expect(w('Deployment', 'prometheus')).toBeGreaterThan(w('Service', 'agent-api'));
  });

  it('say why an object waits for another', () => {
    const list = platform();
    const reasons = dependencies(list, connections(list)).map((d) => `${d.from.kind} ${d.from.metadata.name} -> ${d.to.kind} ${d.to.metadata.name}: ${d.reason}`);
    expect(reasons).toContain('Deployment agent-api -> Service agent-postgres: connects to agent-postgres');
    expect(reasons).toContain('StatefulSet agent-postgres -> ExternalSecret postgres-credentials: secretRef postgres-credentials');
    expect(reasons).toContain('Deployment prometheus -> Service agent-api: connects to agent-api');
    // `agent-redis` is not rendered here, so it is not a dependency.
    expect(reasons.some((r) => r.includes('agent-redis'))).toBe(false);
  });

  it('order a CloudNativePG cluster by the Secrets and Services its operator derives from it', () => {
    const list: Manifest[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('pg-app-credentials'), spec: { target: { name: 'pg-app-credentials' } } },
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: meta('agent-postgres'),
        spec: { instances: 3, bootstrap: { initdb: { database: 'app', secret: { name: 'pg-app-credentials' } } } },
      },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: meta('agent-postgres-daily'), spec: { cluster: { name: 'agent-postgres' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { DATABASE_HOST: 'agent-postgres-rw.agent-platform-prod.svc' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('agent-api'), spec: podSpec({ containers: [{ name: 'api', envFrom: [{ configMapRef: { name: 'settings' } }] }] }, { app: 'api' }) },
    ];
    // The tier reports that the API connects to the cluster (constructs/relations.ts).
    const waves = syncWaves(list, [{ from: list[5]!, to: list[2]!, reason: 'connects to agent-postgres' }]);
    const w = (kind: string, name: string) => waveOf(waves, kind, name);
    expect(w('Cluster', 'agent-postgres')).toBeGreaterThan(w('ExternalSecret', 'pg-app-credentials'));
    expect(w('ScheduledBackup', 'agent-postgres-daily')).toBeGreaterThan(w('Cluster', 'agent-postgres'));
    expect(w('Deployment', 'agent-api')).toBeGreaterThan(w('Cluster', 'agent-postgres'));
  });

  it('a Certificate waits for the Issuer that signs it, which waits for its CA certificate', () => {
    const list: Manifest[] = [
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('es-ca'), spec: { secretName: 'es-ca', isCA: true, issuerRef: { kind: 'ClusterIssuer', name: 'selfsigned' } } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('es-ca'), spec: { ca: { secretName: 'es-ca' } } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: meta('es-transport'), spec: { secretName: 'es-transport', issuerRef: { kind: 'Issuer', name: 'es-ca' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta('es'),
        spec: podSpec({ containers: [{ name: 'es' }], volumes: [{ name: 'tls', secret: { secretName: 'es-transport' } }] }, { app: 'es' }),
      },
    ];
    const waves = syncWaves(list);
    const w = (kind: string, name: string) => waveOf(waves, kind, name);
    expect(w('Issuer', 'es-ca')).toBeGreaterThan(w('Certificate', 'es-ca'));
    expect(w('Certificate', 'es-transport')).toBeGreaterThan(w('Issuer', 'es-ca'));
    expect(w('StatefulSet', 'es')).toBeGreaterThan(w('Certificate', 'es-transport'));
  });

  it('survive a reference cycle without looping, deterministically', () => {
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('a'), data: {} } as Manifest;
    const list = platform();
    const waves1 = syncWaves([...list, a], connections(list));
    const waves2 = syncWaves([a, ...[...list].reverse()], connections(list).reverse());
    for (const m of list) expect(waveOf(waves1, m.kind, m.metadata.name)).toBe(waveOf(waves2, m.kind, m.metadata.name));
  });

  it('are written on every object of a rendered environment', async () => {
    const env = loadEnvironment(join(import.meta.dirname, '..', '..', 'environments'), 'prod');
    const files = await renderEnvironment(env);
    const wave = (kind: string, name: string) => {
      const f = files.find((x) => x.manifest.kind === kind && x.manifest.metadata.name === name)!;
      return Number((f.manifest.metadata['annotations'] as Record<string, string>)[SYNC_WAVE_ANNOTATION]);
    };
    for (const f of files) expect(f.content).toMatch(/argocd\.argoproj\.io\/sync-wave: "[0-9]+"/);
    expect(wave('Namespace', env.namespace)).toBe(0);
    expect(wave('ExternalSecret', 'agent-service-secrets')).toBeLessThan(wave('Deployment', 'agent-api'));
    expect(wave('Deployment', 'agent-api')).toBeLessThan(wave('Service', 'agent-api'));
    expect(wave('Service', 'agent-api')).toBeLessThan(wave('HTTPRoute', 'agent-api'));
    expect(wave('Gateway', 'agent-api')).toBeLessThan(wave('HTTPRoute', 'agent-api'));
    expect(wave('EnvoyProxy', 'agent-api')).toBeLessThan(wave('Gateway', 'agent-api'));
    expect(wave('HTTPRoute', 'agent-api')).toBeLessThan(wave('BackendTrafficPolicy', 'agent-api'));
    // A certificate waiting for DNS or the CA holds back only the Gateway, not the workloads.
    expect(wave('Certificate', 'agent-api')).toBe(wave('Gateway', 'agent-api') - 1);
  });
});

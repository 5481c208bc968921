/**
 * The init Jobs run in the Sync phase, after the store they initialise and before every workload
 * that signs in with an account they create, in every environment; and the Postgres init creates
 * every role and database the service's URLs name (in prod CloudNativePG's initdb makes only the
 * application database, so LangMem's comes from the Job or not at all).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../environments/load.ts';
import { renderEnvironment } from '../stacks/render.ts';
import type { Manifest } from '../kube/object.ts';
import { dependencies } from '../stacks/dependencies.ts';
import { SYNC_WAVE_ANNOTATION, syncWaves } from '../stacks/sync-waves.ts';

const dir = join(import.meta.dirname, '..', 'environments');
const envs = environmentNames(dir);
const annotation = (m: Manifest, key: string) => (m.metadata['annotations'] as Record<string, string> | undefined)?.[key];
const wave = (m: Manifest) => Number(annotation(m, SYNC_WAVE_ANNOTATION));
const find = (ms: Manifest[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);

describe.each(envs)('init Jobs of %s', (name) => {
  const rendered = renderEnvironment(loadEnvironment(dir, name)).then((files) => files.map((f) => f.manifest));

  it('are Sync hooks, recreated on every sync, never PostSync', async () => {
    const jobs = (await rendered).filter((m) => m.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name)).toContain('postgres-init');
    for (const j of jobs) {
      expect(annotation(j, 'argocd.argoproj.io/hook'), j.metadata.name).toBe('Sync');
      expect(annotation(j, 'argocd.argoproj.io/hook-delete-policy'), j.metadata.name).toBe('BeforeHookCreation');
    }
  });

  it('postgres-init runs after the database and before the API and the worker', async () => {
    const ms = await rendered;
    const init = find(ms, 'Job', 'postgres-init')!;
    const store = find(ms, 'Cluster', 'postgres') ?? find(ms, 'StatefulSet', 'postgres');
    if (store) expect(wave(init)).toBeGreaterThan(wave(store));
    for (const app of ['agent-api', 'agent-worker']) expect(wave(find(ms, 'Deployment', app)!), app).toBeGreaterThan(wave(init));
  });

  it('creates every role and database the service connects as', async () => {
    const ms = await rendered;
    const env = ((find(ms, 'Job', 'postgres-init')!['spec'] as any).template.spec.containers[0].env as { name: string; value?: string }[]).filter((e) => e.value);
    const created = new Map(env.map((e) => [e.name, e.value!]));
    const pairs = [`${created.get('APP_DB_USER')}/${created.get('APP_DB')}`, `${created.get('LANGMEM_DB_USER')}/${created.get('LANGMEM_DB')}`];
    const urls = Object.values((find(ms, 'ExternalSecret', 'agent-service-data')!['spec'] as any).target.template.data as Record<string, string>).filter((u) => u.startsWith('postgresql://'));
    expect(urls).toHaveLength(2);
    for (const u of urls) {
      const m = /^postgresql:\/\/([^:]+):.*@[^/]+\/([^?]+)/.exec(u)!;
      expect(pairs, u).toContain(`${m[1]}/${m[2]}`);
    }
  });
});

describe('the dependency model', () => {
  const ns = 'shop';
  const meta = (name: string) => ({ name, namespace: ns });
  const es = (name: string, data: Record<string, string>, template?: Record<string, string>) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: meta(name),
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'store' },
      target: { name, ...(template ? { template: { data: template } } : {}) },
      data: Object.entries(data).map(([secretKey, property]) => ({ secretKey, remoteRef: { key: 'shop/data', property } })),
    },
  });
  const workload = (kind: string, name: string, env: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: meta(name),
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, env }] } }, ...extra },
  });
  const ref = (secret: string, key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });
  const set = (): Manifest[] =>
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      es('db-credentials', { SUPERUSER: 'SUPERUSER', APP_PASSWORD: 'APP_PASSWORD' }),
      es('api-data', { APP_PASSWORD: 'APP_PASSWORD' }, { DATABASE_URL: 'postgresql://app:{{ .APP_PASSWORD | urlquery }}@db:5432/app' }),
      workload('StatefulSet', 'db', [ref('db-credentials', 'SUPERUSER')], { serviceName: 'db' }),
      { apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { selector: { app: 'db' }, clusterIP: 'None' } },
      workload('Job', 'db-init', [{ name: 'PGHOST', value: 'db' }, ref('db-credentials', 'SUPERUSER'), ref('db-credentials', 'APP_PASSWORD')]),
      workload('Deployment', 'api', [ref('api-data', 'DATABASE_URL')]),
      workload('Deployment', 'other', [{ name: 'X', value: '1' }]),
    ] as Manifest[];

  it('puts a workload that signs in with an account the Job creates after the Job, and the store the Job waits for before it', () => {
    const ms = set();
    // The store's module reports that its init Job connects to it (constructs/relations.ts).
    const connects = [{ from: ms[5]!, to: ms[3]!, reason: 'connects to db' }];
    const reasons = dependencies(ms, connects).map((d) => `${d.from.kind} ${d.from.metadata.name} -> ${d.to.kind} ${d.to.metadata.name}: ${d.reason}`);
    expect(reasons).toContain('Deployment api -> Job db-init: needs what Job db-init initialises (shares shop/data#APP_PASSWORD)');
    // The store shares the superuser password with the Job, but the Job waits for the store.
    expect(reasons.filter((r) => r.startsWith('StatefulSet db -> Job'))).toEqual([]);
    const waves = syncWaves(ms, connects);
    const w = (kind: string, name: string) => [...waves].find(([m]) => m.kind === kind && m.metadata.name === name)![1];
    expect(w('Job', 'db-init')).toBeGreaterThan(w('StatefulSet', 'db'));
    expect(w('Deployment', 'api')).toBeGreaterThan(w('Job', 'db-init'));
    expect(w('Deployment', 'other')).toBeLessThan(w('Job', 'db-init'));
  });
});

/**
 * The init Jobs run in the Sync phase, after the store they initialise and before every workload
 * that signs in with an account they create, in every environment; and the Postgres init creates
 * every role and database the service's URLs name (in prod CloudNativePG's initdb makes only the
 * application database, so LangMem's comes from the Job or not at all).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../environments/load.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { SYNC_WAVE_ANNOTATION } from '../../stacks/sync-waves.ts';

const dir = join(import.meta.dirname, '..', '..', 'environments');
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

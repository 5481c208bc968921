/**
 * The rotation runbook (docs/secret-rotation.md) against the rendered output: every Secret
 * an ExternalSecret refreshes has a row; the store properties a row names are the ones its
 * ExternalSecret reads; in every environment exactly the workloads a row lists consume the Secret,
 * each restarts on its change (Reloader's annotation), and the environment's cluster has Reloader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { ClusterCapabilities, objectsOfCluster, reloadedSecretsOf, rotatedSecrets, rotatedSecretsConsumed, SECRET_RELOAD } from '../../policies/cluster.ts';
import { renderGitOps } from '../../stacks/gitops.ts';
import { renderPlatform, type RenderedEnvironment, type RenderedFile } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const runbook = readFileSync(join(ROOT, 'docs', 'secret-rotation.md'), 'utf8');
const section = runbook.slice(runbook.indexOf('<!-- section:rotation -->'), runbook.indexOf('<!-- /section:rotation -->'));

interface Row {
  readonly credential: string;
  readonly properties: string[];
  readonly secret: string;
  readonly consumers: string[];
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const rows: Row[] = section
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| credential') && !l.startsWith('|---'))
  .map((l) => {
    const cells = l.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, ''));
    return { credential: cells[0]!, properties: ticked(cells[1]!), secret: ticked(cells[2]!)[0]!, consumers: ticked(cells[3]!) };
  });

let envs: Environment[];
const rendered = new Map<string, readonly Manifest[]>();
const environments = new Map<string, RenderedEnvironment>();
let argo: RenderedFile[];

beforeAll(async () => {
  envs = loadEnvironments(join(ROOT, 'environments'));
  const files: RenderedFile[] = [];
  for (const e of envs) {
    const platform = await renderPlatform(e);
    const list = platform.files;
    files.push(...list);
    rendered.set(e.name, platform.environment.manifests);
    environments.set(e.name, platform.environment);
  }
  argo = await renderGitOps(envs, environments);
});

describe('the rotation runbook', () => {
  it('has a row for every credential, each naming a Secret', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const r of rows) expect(r.secret, r.credential).toMatch(/^[a-z0-9-]+$/);
  });

  it('covers every Secret an ExternalSecret refreshes, in every environment', () => {
    for (const e of envs) {
      const names = [...rotatedSecrets(rendered.get(e.name)!)].map((k) => k.slice(k.indexOf('/') + 1));
      expect(names.filter((n) => !rows.some((r) => r.secret === n)), e.name).toEqual([]);
    }
  });

  it('names the store properties each ExternalSecret reads', () => {
    for (const e of envs) {
      for (const r of rows) {
        const es = rendered.get(e.name)!.find((m) => m.kind === 'ExternalSecret' && ((m['spec'] as any).target?.name ?? m.metadata.name) === r.secret);
        if (!es) continue;
        const read = ((es['spec'] as any).data ?? []).map((d: any) => `${String(d.remoteRef.key).slice(e.secrets.remoteKeyPrefix.length + 1)}#${d.remoteRef.property}`);
        for (const p of r.properties.filter((p) => p.includes('#') && !p.includes('<'))) expect(read, `${e.name}: ${r.credential}`).toContain(p);
      }
    }
  });

  it('lists exactly the workloads that consume each Secret, and each restarts on its change', () => {
    for (const e of envs) {
      const objects = rendered.get(e.name)!;
      const rotated = rotatedSecrets(objects);
      for (const r of rows) {
        const actual = objects.filter((m) => rotatedSecretsConsumed(m, rotated).includes(r.secret));
        const listedHere = r.consumers.filter((c) => objects.some((m) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind) && m.metadata.name === c));
        expect(actual.map((m) => m.metadata.name).sort(), `${e.name}: ${r.secret}`).toEqual(listedHere.sort());
        for (const m of actual) expect(reloadedSecretsOf(m).has(r.secret), `${e.name}: ${m.kind} ${m.metadata.name}`).toBe(true);
      }
    }
  });

  it('restarts Redis itself when its password rotates, so requirepass follows', () => {
    for (const e of envs.filter((x) => x.data.redis.mode === 'statefulset')) {
      const redis = rendered.get(e.name)!.find((m) => m.kind === 'StatefulSet' && m.metadata.name === 'redis')!;
      expect(reloadedSecretsOf(redis), e.name).toContain('redis-credentials');
    }
  });

  it('runs where Reloader is an add-on of the environment\'s cluster', () => {
    for (const e of envs) {
      const cluster = new ClusterCapabilities(objectsOfCluster(argo.map((f) => f.manifest), e.gitops.cluster.name));
      expect(cluster.has(SECRET_RELOAD), e.name).toBe(true);
    }
  });
});

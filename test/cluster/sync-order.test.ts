import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../policies/types.ts';
import { readObjects } from './connectivity.ts';
import { syncSteps, syncTasks } from './sync-order.ts';

const obj = (kind: string, name: string, wave?: number, extra: Record<string, string> = {}, namespace?: string): K8sObject => ({
  apiVersion: kind === 'Namespace' ? 'v1' : 'example.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), annotations: { ...(wave === undefined ? {} : { 'argocd.argoproj.io/sync-wave': String(wave) }), ...extra } },
});
const order = (objects: K8sObject[]) => syncTasks(objects).map((t) => `${t.phase}/${t.wave}/${String(t.object.kind)}/${String(t.object.metadata?.name)}`);

describe('the sync order of Argo CD (gitops-engine sync_tasks.go)', () => {
  it('orders by phase, then wave, then Helm kind order (custom resources last), then name', () => {
    const objects = [
      obj('Certificate', 'a', 1),
      obj('Deployment', 'b', 1),
      obj('ServiceAccount', 'z', 1),
      obj('ServiceAccount', 'c', 1),
      obj('Job', 'post', 0, { 'argocd.argoproj.io/hook': 'PostSync' }),
      obj('Job', 'pre', 5, { 'argocd.argoproj.io/hook': 'PreSync' }),
      obj('ConfigMap', 'w0'),
    ];
    expect(order(objects)).toEqual(['PreSync/5/Job/pre', 'Sync/0/ConfigMap/w0', 'Sync/1/ServiceAccount/c', 'Sync/1/ServiceAccount/z', 'Sync/1/Deployment/b', 'Sync/1/Certificate/a', 'PostSync/0/Job/post']);
  });

  it('pulls a Namespace before the first object in it, into that object’s wave (adjustDeps)', () => {
    const objects = [obj('Namespace', 'ns', 3), obj('ConfigMap', 'cm', 1, {}, 'ns')];
    expect(order(objects)).toEqual(['Sync/1/Namespace/ns', 'Sync/1/ConfigMap/cm']);
  });

  it('runs our Sync hooks (the init Jobs) in their own wave, after the objects of earlier waves', () => {
    const objects = readObjects(join(import.meta.dirname, '..', '..', 'generated', 'prod'));
    const steps = syncSteps(objects);
    const hooks = steps.flatMap((s) => s.tasks.filter((t) => t.hook).map((t) => ({ wave: s.wave, name: String(t.object.metadata?.name) })));
    expect(hooks.map((h) => h.name).sort()).toEqual(['elasticsearch-init', 'postgres-init']);
    for (const h of hooks) expect(h.wave).toBeGreaterThan(0);
    expect(steps[0]!.tasks[0]!.object.kind).toBe('Namespace');
    expect(steps.map((s) => s.wave)).toEqual([...steps.map((s) => s.wave)].sort((a, b) => a - b));
  });
});

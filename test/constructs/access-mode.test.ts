/**
 * Restores never share a store's data with the store: the Redis restore mounts a claim that admits
 * one pod cluster-wide (ReadWriteOncePod, where the claim names a CSI class), and its script is told
 * which pod to ask before touching the data; the Postgres restore names its namespace for the
 * message that says how to stop the writers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../environments/load.ts';
import { singlePodAccessMode } from '../../constructs/access-mode.ts';
import { buildPlatform } from '../../stacks/platform-chart.ts';
import { manifestsOf } from '../../stacks/render.ts';
import type { Obj } from '../support/charts.ts';

const DIR = join(import.meta.dirname, '..', '..', 'environments');

describe('singlePodAccessMode', () => {
  it('is ReadWriteOncePod on Kubernetes 1.36 for a claim naming a (CSI) class, ReadWriteOnce on the unknown default class', () => {
    expect(singlePodAccessMode('gp3')).toBe('ReadWriteOncePod');
    expect(singlePodAccessMode(undefined)).toBe('ReadWriteOnce');
  });
});

describe.each(environmentNames(DIR))('restores of %s', (name) => {
  const env = loadEnvironment(DIR, name);
  const objs = manifestsOf(buildPlatform(env)) as Obj[];
  const find = (kind: string, n: string) => objs.find((o) => o['kind'] === kind && o['metadata'].name === n);
  const podSpec = (cron: Obj) => cron['spec'].jobTemplate.spec.template.spec;
  const container = (cron: Obj, c: string) => [...podSpec(cron).containers, ...(podSpec(cron).initContainers ?? [])].find((x: Obj) => x.name === c);
  const envOf = (c: Obj) => Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));

  it('mount the Redis data claim only as a claim one pod may hold, and ask that pod before touching it', () => {
    const redis = find('StatefulSet', 'redis');
    if (!redis) return;
    const template = redis['spec'].volumeClaimTemplates[0];
    expect(template.spec.accessModes).toEqual([singlePodAccessMode(template.spec.storageClassName)]);
    if (template.spec.storageClassName) expect(template.spec.accessModes).toEqual(['ReadWriteOncePod']);
    const restore = find('CronJob', 'redis-backup-restore')!;
    expect(podSpec(restore).volumes.find((v: Obj) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName).toBe('data-redis-0');
    expect(envOf(container(restore, 'restore'))).toMatchObject({
      REDIS_HOST: 'redis-0.redis-headless',
      REDIS_PORT: '6379',
      REDIS_STATEFULSET: 'redis',
      NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
    // The name resolves before the pod is ready, so an unready Redis is seen too.
    expect(find('Service', 'redis-headless')!['spec'].publishNotReadyAddresses).toBe(true);
  });

  it('tell the Postgres restore its namespace, for the command that stops the writers', () => {
    const restore = find('CronJob', 'postgres-backup-restore')!;
    expect(envOf(container(restore, 'restore'))['NAMESPACE']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
  });
});

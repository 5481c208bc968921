import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { BackupCronJob, cronPeriodSeconds, type BackupCronJobProps } from '../../constructs/backup-cron-job.ts';
import { ScriptConfigMap } from '../../constructs/script-config-map.ts';
import { claimedStorageClasses } from '../../constructs/storage-claims.ts';
import { objects, only, testChart, type Obj } from '../support/charts.ts';

describe('BackupCronJob', () => {
  function render(p: Partial<BackupCronJobProps> = {}) {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['postgres-dump.sh', 'backup-upload.sh', 'backup-fetch.sh', 'postgres-restore.sh', 'object-store.sh'] });
    new BackupCronJob(chart, 'backup', {
      name: 'postgres-backup',
      store: 'postgres',
      schedule: '0 2 * * *',
      scripts,
      serviceAccountName: 'data-backup',
      steps: [
        { name: 'dump', image: 'pg', script: 'postgres-dump.sh' },
        { name: 'upload', image: 'aws', script: 'backup-upload.sh' },
      ],
      restoreSteps: [
        { name: 'fetch', image: 'aws', script: 'backup-fetch.sh' },
        { name: 'restore', image: 'pg', script: 'postgres-restore.sh' },
      ],
      ...p,
    });
    return objects(chart);
  }

  it('reports the StorageClass of its work volume, and none without one', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['backup-upload.sh'] });
    const steps = [{ name: 'u', image: 'i', script: 'backup-upload.sh' }];
    new BackupCronJob(chart, 'plain', { name: 'plain', store: 'x', schedule: '0 2 * * *', scripts, serviceAccountName: 'sa', steps });
    expect(claimedStorageClasses(chart)).toEqual([]);
    new BackupCronJob(chart, 'large', { name: 'large', store: 'x', schedule: '0 2 * * *', scripts, serviceAccountName: 'sa', steps, workStorage: { size: '50Gi', storageClass: 'st1' } });
    expect(claimedStorageClasses(chart)).toEqual(['st1']);
  });

  it('dumps in an init container and uploads in the main one, never overlapping, with deadlines and bounded history', () => {
    const cj = only(render(), 'CronJob', 'postgres-backup');
    expect(cj.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 1800,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 7200 } },
    });
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: Obj) => [c.name, c.command])).toEqual([['dump', ['bash', '/scripts/postgres-dump.sh']]]);
    expect(pod.containers.map((c: Obj) => [c.name, c.command])).toEqual([['upload', ['bash', '/scripts/backup-upload.sh']]]);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('data-backup');
  });

  it('renders the restore as a suspended CronJob that only runs when started by hand', () => {
    const cj = only(render(), 'CronJob', 'postgres-backup-restore');
    expect(cj.spec.suspend).toBe(true);
    expect(cj.spec.schedule).toBe('0 0 31 2 *');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0].env[0]).toEqual({ name: 'RESTORE_DIR', value: '/work' });
  });

  it('mounts the scripts exactly as they are in constructs/scripts/', () => {
    const cm = only(render(), 'ConfigMap', 'data-scripts');
    const file = readFileSync(join(import.meta.dirname, '..', '..', 'constructs', 'scripts', 'backup-upload.sh'), 'utf8');
    expect(cm.data['backup-upload.sh']).toBe(file);
    expect(file).toContain('set -euo pipefail');
  });

  it('derives how stale a backup may get from its schedule and deadlines', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 's', { name: 's', component: 'backup', scripts: ['backup-upload.sh'] });
    const job = new BackupCronJob(chart, 'b', { name: 'b', store: 'x', schedule: '0 2 * * *', scripts, serviceAccountName: 'sa', steps: [{ name: 'u', image: 'i', script: 'backup-upload.sh' }] });
    expect(job.maxAge.toSeconds()).toBe(86_400 + 1_800 + 7_200);
    expect(cronPeriodSeconds('15 * * * *')).toBe(3_600);
    expect(cronPeriodSeconds('0 */6 * * *')).toBe(21_600);
    expect(cronPeriodSeconds('0 3 * * 0')).toBe(604_800);
    // Monthly: the longest month apart (31 days), derived instead of refused.
    expect(cronPeriodSeconds('0 2 1 * *')).toBe(31 * 86_400);
    expect(cronPeriodSeconds('@daily')).toBe(86_400);
    expect(() => cronPeriodSeconds('0 0 30 2 *')).toThrow('schedule "0 0 30 2 *" never runs');
  });

  it('refuses empty steps, a script the ConfigMap lacks, and a starting deadline the controller may miss', () => {
    expect(() => render({ steps: [] })).toThrow('BackupCronJob postgres-backup: steps is empty; give at least the dump step');
    expect(() => render({ steps: [{ name: 'x', image: 'i', script: 'redis-dump.sh' }] })).toThrow('ScriptConfigMap data-scripts has no "redis-dump.sh"');
    expect(() => render({ startingDeadline: Duration.seconds(5) })).toThrow('startingDeadline 5s is under 10s');
  });

  it('refuses a script that does not exist in the repository', () => {
    const chart = testChart();
    expect(() => new ScriptConfigMap(chart, 's', { name: 's', component: 'backup', scripts: ['nope.sh'] })).toThrow('no script "nope.sh" in constructs/scripts/');
  });
});

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithBinaries } from '../../support/binaries.ts';
import { runScript, tempDir } from '../../support/data-servers.ts';

const SCRIPTS = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts');
const DAY = 86_400_000;

/** A backup id (20261123T020000Z) for a moment `days` ago. */
function idDaysAgo(days: number): string {
  return new Date(Date.now() - days * DAY).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** A fake backup of the given age in a file store; `complete` writes its COMPLETE marker. */
function fakeBackup(root: string, days: number, complete: boolean): string {
  const id = idDaysAgo(days);
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(join(root, id, 'dump.rdb'), 'REDIS0011');
  if (complete) writeFileSync(join(root, id, 'COMPLETE'), '');
  return id;
}

function dumpDir(): string {
  const dir = tempDir('dump-');
  writeFileSync(join(dir, 'dump.rdb'), 'REDIS0011 fresh');
  return dir;
}

describeWithBinaries('Backup retention', ['sha256sum', 'date'], 'apt-get install coreutils', () => {
  it('removes backups older than the retention, complete or not, and keeps the rest', () => {
    const root = join(tempDir('store-'), 'redis');
    const expired = [fakeBackup(root, 40, true), fakeBackup(root, 9, true), fakeBackup(root, 8, false)];
    const kept = [fakeBackup(root, 6, true), fakeBackup(root, 2, false), fakeBackup(root, 1, true)];
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { BACKUP_TARGET: `file://${root}`, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7' });
    expect(r.status, r.stderr).toBe(0);
    const left = readdirSync(root).sort();
    expect(left).toHaveLength(kept.length + 1);
    expect(left).toEqual(expect.arrayContaining(kept));
    for (const id of expired) expect(r.stdout).toContain(`retention: removed ${id}`);
  });

  it('never removes the newest complete backup, however old it is', () => {
    const root = join(tempDir('store-'), 'postgres');
    const older = fakeBackup(root, 50, true);
    const incomplete = fakeBackup(root, 10, false);
    // A run whose own id is already past the retention (a clock far behind, a retention of 0 days):
    // it is the newest complete backup and must survive its own retention pass.
    const oldId = idDaysAgo(20);
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { BACKUP_TARGET: `file://${root}`, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7', BACKUP_ID: oldId });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(root)).toEqual([oldId]);
    expect(r.stdout).toContain(`retention: removed ${older}`);
    expect(r.stdout).toContain(`retention: removed ${incomplete}`);
  });

  it('keeps only the new backup with a retention of 0 days', () => {
    const root = join(tempDir('store-'), 'es');
    fakeBackup(root, 1, true);
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { BACKUP_TARGET: `file://${root}`, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '0' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(root)).toHaveLength(1);
    expect(readdirSync(join(root, readdirSync(root)[0]!)).sort()).toEqual(['COMPLETE', 'dump.rdb', 'dump.rdb.sha256']);
  });

  it('refuses a retention that is not a whole number of days', () => {
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { BACKUP_TARGET: `file://${tempDir('store-')}`, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7d' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('RETENTION_DAYS must be a whole number of days, got 7d');
  });

  it('refuses a target that is neither s3:// nor file:///', () => {
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { BACKUP_TARGET: 'gs://bucket/x', BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('BACKUP_TARGET must start with s3:// or file:///, got gs://bucket/x');
  });
});

import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { describeWithBinaries } from '../../support/binaries.ts';
import { runScript, tempDir } from '../../support/data-servers.ts';

const SCRIPTS = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts');

/** A stand-in for the AWS CLI's `s3 cp`, `s3 ls`, `s3 rm` (see the file for how it behaves). */
const FAKE_AWS = join(import.meta.dirname, '..', '..', 'support', 'fake-aws.sh');

function idDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

describeWithBinaries('Backups to S3 through the AWS CLI', ['sha256sum'], 'apt-get install coreutils', () => {
  let env: Record<string, string>;
  let root: string;
  let log: string;

  beforeEach(() => {
    const bin = tempDir('fake-aws-');
    writeFileSync(join(bin, 'aws'), readFileSync(FAKE_AWS));
    chmodSync(join(bin, 'aws'), 0o755);
    root = tempDir('s3-');
    log = join(root, 'calls.log');
    writeFileSync(log, '');
    env = { PATH: `${bin}:${process.env['PATH']}`, FAKE_S3_ROOT: root, FAKE_S3_LOG: log, BACKUP_TARGET: 's3://backups/agent-platform/dev/redis' };
  });

  function dumpDir(): string {
    const dir = tempDir('dump-');
    writeFileSync(join(dir, 'dump.rdb'), 'REDIS0011 data');
    return dir;
  }

  it('uploads each file with an S3-verified SHA-256, COMPLETE last, applies retention, and restores from it', () => {
    const prefix = join(root, 'backups', 'agent-platform', 'dev', 'redis');
    const old = idDaysAgo(9);
    mkdirSync(join(prefix, old), { recursive: true });
    writeFileSync(join(prefix, old, 'COMPLETE'), '');
    const up = runScript(join(SCRIPTS, 'backup-upload.sh'), { ...env, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7' });
    expect(up.status, up.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    const puts = calls.filter((c) => c.startsWith('s3 cp'));
    expect(puts).toHaveLength(3);
    for (const c of puts) expect(c).toContain('--checksum-algorithm SHA256');
    expect(puts[2]).toMatch(/\/COMPLETE$/);
    expect(calls).toContain(`s3 rm --only-show-errors --recursive s3://backups/agent-platform/dev/redis/${old}/`);
    const [id] = readdirSync(prefix);
    expect(readdirSync(join(prefix, id!)).sort()).toEqual(['COMPLETE', 'dump.rdb', 'dump.rdb.sha256']);

    const restoreDir = tempDir('restore-');
    const fetched = runScript(join(SCRIPTS, 'backup-fetch.sh'), { ...env, RESTORE_DIR: restoreDir });
    expect(fetched.status, fetched.stderr).toBe(0);
    expect(readFileSync(join(restoreDir, 'dump.rdb'), 'utf8')).toBe('REDIS0011 data');
  });

  it('fails the backup, after the upload, when the bucket cannot be listed for retention', () => {
    const r = runScript(join(SCRIPTS, 'backup-upload.sh'), { ...env, BACKUP_DIR: dumpDir(), RETENTION_DAYS: '7', FAKE_S3_DENY: 'ls' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('AccessDenied');
  });

  it('fails a restore when there is no backup at all', () => {
    const r = runScript(join(SCRIPTS, 'backup-fetch.sh'), { ...env, RESTORE_DIR: tempDir('restore-') });
    expect(r.status).not.toBe(0);
  });
});

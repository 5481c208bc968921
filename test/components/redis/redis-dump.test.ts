import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinaries } from '../../support/binaries.ts';
import { runScript, startRedis, tempDir, type RedisServer } from '../../support/data-servers.ts';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts');
/** Redis's own scripts live in its component folder; the upload and fetch steps are shared. */
const script = (name: string) => (name.startsWith('redis-') ? join(import.meta.dirname, '..', '..', '..', 'components', 'redis', name) : join(SHARED, name));

/** Resolves once nothing accepts connections on 127.0.0.1:`port` (a killed server takes a moment). */
async function portClosed(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (!open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still open`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ok(r: ReturnType<typeof runScript>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Every key with its type and value, sorted: equal snapshots mean equal data. */
function snapshot(redis: RedisServer): string[] {
  const keys = redis.cli('--scan').split('\n').filter(Boolean).sort();
  return keys.map((k) => {
    const type = redis.cli('type', k);
    const value =
      type === 'string' ? redis.cli('get', k)
      : type === 'hash' ? redis.cli('hgetall', k)
      : type === 'list' ? redis.cli('lrange', k, '0', '-1')
      : type === 'set' ? redis.cli('smembers', k).split('\n').sort().join('\n')
      : type === 'zset' ? redis.cli('zrange', k, '0', '-1', 'withscores')
      : `unexpected type ${type}`;
    return `${k} ${type} ${value}`;
  });
}

describeWithBinaries('Redis backup and restore against a real server', ['redis-server', 'redis-cli'], 'apt-get install redis-server', (bin) => {
  let source: RedisServer;
  let restored: RedisServer | undefined;
  const store = tempDir('store-');
  const storeUrl = `file://${store}/redis`;

  beforeAll(async () => {
    source = await startRedis(bin as never);
    const cmds = ['MULTI'];
    for (let i = 0; i < 150; i++) cmds.push(`SET cache:${i} "value ${i} ü"`);
    cmds.push('HSET session:1 user alice agents 3', 'RPUSH queue:jobs a b c', 'SADD tags x y z', 'ZADD scores 1 one 2 two', 'EXEC');
    // Piped so the writes are one round trip.
    const { execFileSync } = await import('node:child_process');
    execFileSync(bin['redis-cli']!, ['--no-auth-warning', '-p', String(source.port)], {
      input: cmds.join('\n'),
      env: { ...process.env, REDISCLI_AUTH: source.password },
    });
  });
  afterAll(() => {
    source?.stop();
    restored?.stop();
  });

  it('snapshots the server with redis-cli --rdb and restores every key into a fresh server', async () => {
    const before = snapshot(source);
    expect(before).toHaveLength(154);
    const work = tempDir('dump-');
    ok(runScript(script('redis-dump.sh'), { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(source.port), REDISCLI_AUTH: source.password, BACKUP_DIR: work }));
    ok(runScript(script('backup-upload.sh'), { BACKUP_TARGET: storeUrl, BACKUP_DIR: work, RETENTION_DAYS: '7' }));
    const [id] = readdirSync(join(store, 'redis'));
    expect(readdirSync(join(store, 'redis', id!)).sort()).toEqual(['COMPLETE', 'dump.rdb', 'dump.rdb.sha256']);

    // The restore procedure: fetch and verify, put the RDB into the stopped server's (here: an
    // empty) data directory, which already holds an AOF of other data that must not win.
    const fresh = await startRedis(bin as never, tempDir('redis-data-'));
    fresh.cli('set', 'stale', 'must-disappear');
    const restoreDir = tempDir('restore-');
    ok(runScript(script('backup-fetch.sh'), { BACKUP_TARGET: storeUrl, RESTORE_DIR: restoreDir }));
    const restoreEnv = { RESTORE_DIR: restoreDir, REDIS_DATA_DIR: fresh.dataDir, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(fresh.port), REDIS_STATEFULSET: 'redis', NAMESPACE: 'agent-platform-dev' };

    // While the Redis owning the directory runs, the restore refuses and leaves the files alone:
    // the server answers NOAUTH to the unauthenticated ping, which counts as an answer.
    const filesBefore = readdirSync(fresh.dataDir).sort();
    const refused = runScript(script('redis-restore.sh'), restoreEnv);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain(`refusing to restore: Redis at 127.0.0.1:${fresh.port} is running on this data`);
    expect(refused.stderr).toContain('kubectl -n agent-platform-dev scale statefulset redis --replicas=0');
    expect(readdirSync(fresh.dataDir).sort()).toEqual(filesBefore);
    expect(fresh.cli('get', 'stale')).toBe('must-disappear');

    // Stopped, nothing answers on its port: the restore proceeds.
    fresh.stop();
    await portClosed(fresh.port);
    const out = ok(runScript(script('redis-restore.sh'), restoreEnv));
    expect(out).toContain(`Redis at 127.0.0.1:${fresh.port} does not answer (Could not connect to Redis`);
    expect(out).toContain('previous data kept in');

    restored = await startRedis(bin as never, fresh.dataDir);
    expect(snapshot(restored)).toEqual(before);
    expect(restored.cli('dbsize')).toBe('154');
    // AOF is on again after the restart, so writes after the restore are durable.
    expect(restored.cli('config', 'get', 'appendonly')).toBe('appendonly\nyes');
  });

  it('fails the backup with a non-zero exit when the password is wrong', () => {
    const r = runScript(script('redis-dump.sh'), { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(source.port), REDISCLI_AUTH: 'wrong', BACKUP_DIR: tempDir('dump-') });
    expect(r.status).not.toBe(0);
  });

  it('refuses without being told where the Redis owning the data would answer', () => {
    const r = runScript(script('redis-restore.sh'), { RESTORE_DIR: tempDir('restore-'), REDIS_DATA_DIR: tempDir('redis-data-') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set REDIS_HOST to the Redis that owns REDIS_DATA_DIR');
  });
});

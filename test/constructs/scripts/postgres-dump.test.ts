import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinaries, findBinary } from '../../support/binaries.ts';
import { runScript, startPostgres, tempDir, type PostgresServer } from '../../support/data-servers.ts';

const SCRIPTS = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts');
const script = (name: string) => join(SCRIPTS, name);

const NAMES = { APP_DB: 'agent_platform', APP_DB_USER: 'agent_app', LANGMEM_DB: 'langmem_store', LANGMEM_DB_USER: 'langmem_user' };
const PASSWORDS = { APP_DB_PASSWORD: 'app-pw', LANGMEM_DB_PASSWORD: 'langmem-pw' };

/** Polls `cond` every 50 ms for up to 10 s. */
async function until(cond: () => boolean, why: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within 10 s ${why()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ok(r: ReturnType<typeof runScript>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** pgvector is not packaged for Debian's PostgreSQL here; say so instead of hiding it. */
function hasVector(pg: PostgresServer): boolean {
  return pg.psql('postgres', "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'") === '1';
}

/** postgres-init.sh as the Job runs it; without pgvector, the two CREATE EXTENSION lines are dropped and the test says so. */
function initDatabases(pg: PostgresServer, scriptsDir: string): string {
  if (!hasVector(pg)) {
    const dir = tempDir('init-');
    const sql = readFileSync(script('postgres-init.sql'), 'utf8');
    const lines = sql.split('\n').filter((l) => l !== 'CREATE EXTENSION IF NOT EXISTS vector;');
    expect(lines.length).toBe(sql.split('\n').length - 2);
    writeFileSync(join(dir, 'postgres-init.sql'), lines.join('\n'));
    writeFileSync(join(dir, 'postgres-init.sh'), readFileSync(script('postgres-init.sh')));
    process.stderr.write('pgvector is not available on this PostgreSQL: postgres-init.sql ran without its two CREATE EXTENSION vector lines\n');
    scriptsDir = dir;
  }
  return ok(runScript(join(scriptsDir, 'postgres-init.sh'), { ...pg.env, ...NAMES, ...PASSWORDS, WAIT_SECONDS: '30' }));
}

/** Loads rows into both databases: a vector column when pgvector exists, otherwise a float array. */
function loadData(pg: PostgresServer, vector: boolean): void {
  const embedding = vector ? 'vector(3)' : 'real[]';
  const value = vector ? "('[' || i || ',' || i * 2 || ',0.5]')::vector" : 'ARRAY[i, i * 2, 0.5]::real[]';
  const asUser = (db: string, user: string, sql: string) => pg.psql(db, `SET ROLE ${user}; ${sql}`);
  asUser('agent_platform', 'agent_app', `
    CREATE TABLE conversations (id bigint PRIMARY KEY, title text NOT NULL, created timestamptz NOT NULL);
    INSERT INTO conversations SELECT i, 'conversation ' || i || ' ü', '2026-01-01'::timestamptz + i * interval '1 minute' FROM generate_series(1, 2500) i;
    CREATE INDEX conversations_created ON conversations (created);`);
  asUser('langmem_store', 'langmem_user', `
    CREATE TABLE memories (id bigint PRIMARY KEY, namespace text NOT NULL, content jsonb NOT NULL, embedding ${embedding});
    INSERT INTO memories SELECT i, 'ns' || (i % 7), jsonb_build_object('text', 'memory ' || i), ${value} FROM generate_series(1, 1200) i;`);
}

/** Row count and an order-independent checksum of a table's full content. */
function fingerprint(pg: PostgresServer, db: string, table: string): string {
  return pg.psql(db, `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${table} t`);
}

describeWithBinaries(
  'Postgres backup and restore against a real server',
  ['initdb', 'pg_ctl', 'psql', 'pg_dump', 'pg_restore'],
  'apt-get install postgresql',
  (bin) => {
    let source: PostgresServer;
    let target: PostgresServer;
    let vector = false;
    const store = tempDir('store-');
    const storeUrl = `file://${store}/postgres`;

    beforeAll(async () => {
      source = await startPostgres(bin as never);
      target = await startPostgres(bin as never);
      vector = hasVector(source);
      if (!vector) process.stderr.write('pgvector not installed: the LangMem table uses real[] instead of vector(3)\n');
    });
    afterAll(() => {
      source?.stop();
      target?.stop();
    });

    it('creates both databases with their owners, idempotently, from the init SQL', () => {
      initDatabases(source, SCRIPTS);
      initDatabases(source, SCRIPTS);
      expect(source.psql('postgres', "SELECT datname || '=' || pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('agent_platform', 'langmem_store') ORDER BY 1")).toBe(
        'agent_platform=agent_app\nlangmem_store=langmem_user',
      );
      if (vector) expect(source.psql('langmem_store', "SELECT extname FROM pg_extension WHERE extname = 'vector'")).toBe('vector');
      // The roles log in with the passwords from the secret, and only into their own database.
      expect(
        runScriptInline(`psql -X -At -d langmem_store -c 'SELECT current_user'`, { ...source.env, PGUSER: 'langmem_user', PGPASSWORD: 'langmem-pw' }).stdout.trim(),
      ).toBe('langmem_user');
      const denied = runScriptInline(`psql -X -At -d agent_platform -c 'SELECT 1'`, { ...source.env, PGUSER: 'langmem_user', PGPASSWORD: 'langmem-pw' });
      expect(denied.status).not.toBe(0);
      expect(denied.stderr).toContain('permission denied for database');
    });

    it('backs up both databases to the object store and restores them identically into a fresh server', async () => {
      loadData(source, vector);
      const work = tempDir('dump-');
      const env = { ...source.env, DATABASES: 'agent_platform langmem_store', BACKUP_DIR: work };
      ok(runScript(script('postgres-dump.sh'), env));
      const upload = ok(runScript(script('backup-upload.sh'), { BACKUP_TARGET: storeUrl, BACKUP_DIR: work, RETENTION_DAYS: '7' }));
      expect(upload).toMatch(/complete at file:\/\/.*\/postgres\/\d{8}T\d{6}Z\//);

      const [id] = readdirSync(join(store, 'postgres'));
      expect(readdirSync(join(store, 'postgres', id!)).sort()).toEqual([
        'COMPLETE',
        'agent_platform.dump',
        'agent_platform.dump.sha256',
        'langmem_store.dump',
        'langmem_store.dump.sha256',
      ]);

      // The restore procedure: init SQL on the fresh server, fetch and verify, pg_restore.
      initDatabases(target, SCRIPTS);
      const restoreDir = tempDir('restore-');
      expect(ok(runScript(script('backup-fetch.sh'), { BACKUP_TARGET: storeUrl, RESTORE_DIR: restoreDir }))).toContain(`fetched and verified backup ${id}`);
      const restoreEnv = { ...target.env, DATABASES: 'agent_platform langmem_store', RESTORE_DIR: restoreDir, NAMESPACE: 'agent-platform-dev' };

      // While the service is connected (here: a session of the LangMem role), the restore refuses
      // and changes nothing; once it is gone, the restore proceeds.
      const client = spawn(findBinary('psql')!, ['-X', '-q', '-d', 'langmem_store', '-c', 'SELECT pg_sleep(60)'], {
        env: { ...process.env, ...target.env, PGUSER: 'langmem_user', PGPASSWORD: 'langmem-pw', PGAPPNAME: 'agent-api' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let clientErr = '';
      client.stderr!.on('data', (d: Buffer) => (clientErr += d.toString()));
      try {
        await until(() => target.psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'agent-api'") === '1', () => clientErr);
        const refused = runScript(script('postgres-restore.sh'), restoreEnv);
        expect(refused.status).toBe(3);
        expect(refused.stderr).toContain('refusing to restore: clients are connected to agent_platform, langmem_store: langmem_user@langmem_store (agent-api) x1.');
        expect(refused.stderr).toContain('kubectl -n agent-platform-dev scale deployment agent-api agent-worker --replicas=0');
        expect(target.psql('langmem_store', "SELECT count(*) FROM pg_tables WHERE tablename = 'memories'")).toBe('0');
      } finally {
        // As when the service's pods go: the client disconnects and its session ends.
        client.kill('SIGKILL');
        target.psql('postgres', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agent-api'");
      }
      await until(() => target.psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'agent-api'") === '0');
      ok(runScript(script('postgres-restore.sh'), restoreEnv));

      for (const [db, table] of [['agent_platform', 'conversations'], ['langmem_store', 'memories']] as const) {
        const before = fingerprint(source, db, table);
        expect(before).toMatch(/^(2500|1200):[0-9a-f]{32}$/);
        expect(fingerprint(target, db, table)).toBe(before);
      }
      expect(target.psql('langmem_store', "SELECT tableowner FROM pg_tables WHERE tablename = 'memories'")).toBe('langmem_user');
      expect(target.psql('agent_platform', "SELECT indexname FROM pg_indexes WHERE tablename = 'conversations' ORDER BY 1")).toBe('conversations_created\nconversations_pkey');
      if (vector) expect(target.psql('langmem_store', "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'memories'::regclass AND attname = 'embedding'")).toBe('vector(3)');
    });

    it('refuses to restore a backup whose dump does not match its checksum', () => {
      const [id] = readdirSync(join(store, 'postgres'));
      const bad = join(tempDir('tampered-'), 'postgres');
      mkdirSync(join(bad, id!), { recursive: true });
      for (const f of readdirSync(join(store, 'postgres', id!))) writeFileSync(join(bad, id!, f), readFileSync(join(store, 'postgres', id!, f)));
      const dump = join(bad, id!, 'langmem_store.dump');
      const bytes = readFileSync(dump);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
      writeFileSync(dump, bytes);
      const r = runScript(script('backup-fetch.sh'), { BACKUP_TARGET: `file://${bad}`, RESTORE_DIR: tempDir('restore-') });
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('langmem_store.dump: FAILED');
    });

    it('fails the backup with a non-zero exit when the server cannot be reached, and uploads nothing', () => {
      const work = tempDir('dump-');
      const failed = runScript(script('postgres-dump.sh'), { ...source.env, PGPORT: '1', DATABASES: 'agent_platform', BACKUP_DIR: work });
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toContain('connection');
      const before = readdirSync(join(store, 'postgres'));
      const upload = runScript(script('backup-upload.sh'), { BACKUP_TARGET: storeUrl, BACKUP_DIR: tempDir('empty-'), RETENTION_DAYS: '7' });
      expect(upload.status).toBe(1);
      expect(upload.stderr).toContain('nothing to upload');
      expect(readdirSync(join(store, 'postgres'))).toEqual(before);
    });

    it('fails the backup when a database does not exist', () => {
      const r = runScript(script('postgres-dump.sh'), { ...source.env, DATABASES: 'agent_platform no_such_db', BACKUP_DIR: tempDir('dump-') });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('no_such_db');
    });
  },
);

function runScriptInline(cmd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-c', cmd], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
}

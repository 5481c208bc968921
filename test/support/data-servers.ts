/**
 * Throwaway PostgreSQL and Redis servers on loopback for the backup tests: a random free port, every
 * file in a temporary directory, stopped and removed by `stop()`. PostgreSQL refuses to run as
 * root, so when the tests run as root the server runs as the `postgres` user.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { redisConfig } from '../../components/redis/redis.ts';
import { findBinary } from './binaries.ts';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A temporary directory the `postgres` user can write to when we are root. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function postgresUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export interface PostgresServer {
  readonly port: number;
  /** Superuser name and password (the server uses scram-sha-256, like the real one). */
  readonly user: string;
  readonly password: string;
  /** libpq variables that reach this server as the superuser. */
  readonly env: Record<string, string>;
  /** Runs SQL through psql and returns its unaligned, tuples-only output. */
  psql(db: string, sql: string): string;
  stop(): void;
}

/** initdb + pg_ctl start on 127.0.0.1:<free port>, socket in the temp dir. */
export async function startPostgres(bin: { initdb: string; pg_ctl: string; psql: string }): Promise<PostgresServer> {
  const dir = tempDir('pg-');
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  const password = `test-${Math.random().toString(36).slice(2)}`;
  writeFileSync(pwfile, `${password}\n`);
  const owner = postgresUid();
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const asOwner = (cmd: string, args: string[]): void => {
    // runuser lives in /usr/sbin, which a non-login PATH may lack.
    const [file, argv] = owner ? [findBinary('runuser') ?? 'runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    const r = spawnSync(file, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  };
  asOwner(bin.initdb, ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  asOwner(bin.pg_ctl, [
    '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60',
    '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`,
    'start',
  ]);
  const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: password };
  return {
    port,
    user: 'postgres',
    password,
    env,
    psql(db, sql) {
      return execFileSync(bin.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-d', db, '-c', sql], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      }).trim();
    },
    stop() {
      try {
        asOwner(bin.pg_ctl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface RedisServer {
  readonly port: number;
  readonly password: string;
  readonly dataDir: string;
  /** redis-cli with the password from REDISCLI_AUTH; returns trimmed output. */
  cli(...args: string[]): string;
  stop(): void;
}

/** redis-server on 127.0.0.1:<free port> with a password, AOF and RDB, data in `dataDir`. */
export async function startRedis(bin: { 'redis-server': string; 'redis-cli': string }, dataDir?: string, password?: string): Promise<RedisServer> {
  const dir = dataDir ?? tempDir('redis-');
  const pw = password ?? `test-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  const conf = join(dirname(dir), `${port}.conf`);
  // The redis.conf the StatefulSet renders, moved to loopback, a free port and the temp dir; the
  // password goes into the included file exactly as the container's start command writes it.
  const auth = join(dirname(dir), `${port}.auth.conf`);
  writeFileSync(auth, `requirepass "${pw}"\n`);
  const rendered = redisConfig(64 * 2 ** 20, 'allkeys-lru');
  const local = rendered
    .replace(/^port \d+$/m, `port ${port}`)
    .replace(/^bind .*$/m, 'bind 127.0.0.1')
    .replace(/^dir .*$/m, `dir ${dir}`)
    .replace(/^include .*$/m, `include ${auth}`);
  if (local === rendered || !local.includes(`include ${auth}`)) throw new Error('redisConfig() changed shape; update startRedis');
  writeFileSync(conf, local);
  const server = spawn(bin['redis-server'], [conf], { stdio: 'ignore' });
  const cli = (...args: string[]): string =>
    execFileSync(bin['redis-cli'], ['--no-auth-warning', '-h', '127.0.0.1', '-p', String(port), ...args], {
      env: { ...process.env, REDISCLI_AUTH: pw },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if (cli('ping') === 'PONG' && cli('info', 'persistence').includes('loading:0')) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`redis-server on ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    password: pw,
    dataDir: dir,
    cli,
    stop() {
      server.kill('SIGKILL');
      rmSync(conf, { force: true });
      rmSync(auth, { force: true });
    },
  };
}


/** Runs a script with bash and the given environment; never throws, returns the result. */
export function runScript(path: string, env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync('bash', [path], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 120_000 });
}

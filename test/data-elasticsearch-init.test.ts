/**
 * elasticsearch-init.sh against a recording stand-in for Elasticsearch's security API: the exact
 * requests, who signs them, what a second run does, and that an error fails the Job.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeWithBinaries } from './support/binaries.ts';

const SCRIPT = join(import.meta.dirname, '..', 'constructs', 'scripts', 'elasticsearch-init.sh');
// Quotes and a backslash: the password must survive curl's config syntax and JSON.
const ELASTIC_PASSWORD = 'el"as\\tic-pw';
const READER_PASSWORD = 'gr"af\\ana-pw';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

/** Elasticsearch as far as the script sees it; `roles` and `users` persist across runs like the real index. */
function fakeElasticsearch(opts: { failRole?: number; healthStatus?: number } = {}): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const roles = new Set<string>();
  const users = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body, authorization: req.headers.authorization });
      const json = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (req.headers.authorization !== `Basic ${Buffer.from(`elastic:${ELASTIC_PASSWORD}`).toString('base64')}`) {
        return json(401, { error: { type: 'security_exception' }, status: 401 });
      }
      const path = req.url!.split('?')[0]!;
      if (req.method === 'GET' && path === '/_cluster/health') return json(opts.healthStatus ?? 200, { status: 'green' });
      const role = /^\/_security\/role\/([^/]+)$/.exec(path);
      if (req.method === 'PUT' && role) {
        if (opts.failRole) return json(opts.failRole, { error: { type: 'illegal_argument_exception', reason: 'bad role' }, status: opts.failRole });
        const created = !roles.has(role[1]!);
        roles.add(role[1]!);
        return json(200, { role: { created } });
      }
      const user = /^\/_security\/user\/([^/]+)$/.exec(path);
      if (req.method === 'PUT' && user) {
        const created = !users.has(user[1]!);
        users.add(user[1]!);
        return json(200, { created });
      }
      return json(404, { error: 'not found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server })),
  );
}

function run(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const envFor = (url: string, extra: Record<string, string> = {}) => ({
  ES_URL: `${url}/`,
  ELASTIC_PASSWORD,
  READER_USER: 'grafana_logs',
  READER_PASSWORD,
  READER_ROLE: 'logs_reader',
  LOG_INDICES: 'ai-agent-*',
  ...extra,
});

const ROLE_BODY = { cluster: ['monitor'], indices: [{ names: ['ai-agent-*'], privileges: ['read', 'view_index_metadata'] }] };
const USER_BODY = { password: READER_PASSWORD, roles: ['logs_reader'], full_name: 'Grafana logs datasource (read-only)' };

describeWithBinaries('Elasticsearch init: the read-only logs user', ['curl'], 'apt-get install curl', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('waits for the cluster, then puts the role and the user, every request signed as elastic', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    const r = await run(envFor(es.url));
    expect(r.status, r.stderr).toBe(0);
    expect(es.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      'GET /_cluster/health?wait_for_status=yellow&timeout=10s',
      'PUT /_security/role/logs_reader',
      'PUT /_security/user/grafana_logs',
    ]);
    const basic = `Basic ${Buffer.from(`elastic:${ELASTIC_PASSWORD}`).toString('base64')}`;
    for (const q of es.requests) expect(q.authorization, q.url).toBe(basic);
    expect(es.requests[0]!.body).toBe('');
    expect(JSON.parse(es.requests[1]!.body)).toEqual(ROLE_BODY);
    expect(JSON.parse(es.requests[2]!.body)).toEqual(USER_BODY);
    // Neither password is echoed in the Job's log.
    expect(r.stdout + r.stderr).not.toContain('pw');
  });

  it('sends the same requests again on a second run and succeeds, so the Sync hook may run on every sync', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    const first = await run(envFor(es.url));
    const second = await run(envFor(es.url));
    expect(first.status, first.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
    const calls = es.requests.map((q) => `${q.method} ${q.url} ${q.body}`);
    expect(calls).toHaveLength(6);
    expect(calls.slice(3)).toEqual(calls.slice(0, 3));
  });

  it('fails with a non-zero exit, without creating the user, when Elasticsearch refuses the role', async () => {
    const es = await fakeElasticsearch({ failRole: 400 });
    server = es.server;
    const r = await run(envFor(es.url));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('PUT /_security/role/logs_reader failed (HTTP 400)');
    expect(r.stderr).toContain('bad role');
    expect(es.requests.some((q) => q.url.startsWith('/_security/user/'))).toBe(false);
  });

  it('fails at once, before any change, when the elastic password is refused', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    const r = await run(envFor(es.url, { ELASTIC_PASSWORD: 'wrong' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refused the elastic user (HTTP 401)');
    expect(es.requests.map((q) => q.method)).toEqual(['GET']);
  });

  it('gives up after WAIT_SECONDS when the cluster never becomes ready', async () => {
    const es = await fakeElasticsearch({ healthStatus: 408 });
    server = es.server;
    const r = await run(envFor(es.url, { WAIT_SECONDS: '1' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not ready after 1s (last HTTP 408)');
    expect(es.requests.every((q) => q.method === 'GET')).toBe(true);
  });

  it('refuses an index pattern that would need escaping, before sending anything', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    const r = await run(envFor(es.url, { LOG_INDICES: 'ai-agent-*"]}' }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('LOG_INDICES must be an index pattern');
    expect(es.requests).toEqual([]);
  });
});

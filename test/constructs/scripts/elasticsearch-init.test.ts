/**
 * elasticsearch-init.sh against a recording stand-in for Elasticsearch's security API: the exact
 * requests, who signs them, what a second run does, that an error fails the Job, and that over
 * HTTPS the server's certificate is verified against ES_CA_CERT (a CA made with openssl per run).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithBinaries } from '../../support/binaries.ts';

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts', 'elasticsearch-init.sh');
// Quotes and a backslash: the password must survive curl's config syntax and JSON.
const ELASTIC_PASSWORD = 'el"as\\tic-pw';
const READER_PASSWORD = 'gr"af\\ana-pw';
const SERVICE_PASSWORD = 'se"rv\\ice-pw';
const EXPORTER_PASSWORD = 'ex"po\\rter-pw';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

/** Elasticsearch as far as the script sees it; `roles` and `users` persist across runs like the real index. */
function fakeElasticsearch(
  opts: { failRole?: number; healthStatus?: number; tls?: { key: string; cert: string } } = {},
): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const roles = new Set<string>();
  const users = new Set<string>();
  const handler: RequestListener = (req, res) => {
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
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, handler) : createServer(handler);
  const scheme = opts.tls ? 'https' : 'http';
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server })),
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
  SERVICE_USER: 'agent_service',
  SERVICE_PASSWORD,
  SERVICE_ROLE: 'agent_service',
  SERVICE_INDICES: 'ai-agent-*,agent-docs',
  EXPORTER_USER: 'elasticsearch_exporter',
  EXPORTER_PASSWORD,
  EXPORTER_ROLE: 'elasticsearch_exporter',
  ...extra,
});

const ROLE_BODY = { cluster: ['monitor'], indices: [{ names: ['ai-agent-*'], privileges: ['read', 'view_index_metadata'] }] };
const USER_BODY = { password: READER_PASSWORD, roles: ['logs_reader'], full_name: 'Grafana logs datasource (read-only)' };
// The service: its own indices only, no cluster privilege, nothing that deletes an index.
const SERVICE_ROLE_BODY = { cluster: [], indices: [{ names: ['ai-agent-*', 'agent-docs'], privileges: ['read', 'view_index_metadata', 'write', 'create_index'] }] };
const SERVICE_USER_BODY = { password: SERVICE_PASSWORD, roles: ['agent_service'], full_name: 'Agent service (its indices only)' };
// The exporter: what elasticsearch_exporter v1.9.0 documents for its default collectors and --es.indices.
const EXPORTER_ROLE_BODY = { cluster: ['monitor'], indices: [{ names: ['*'], privileges: ['monitor'] }] };
const EXPORTER_USER_BODY = { password: EXPORTER_PASSWORD, roles: ['elasticsearch_exporter'], full_name: 'elasticsearch-exporter (monitor only)' };
const REQUESTS = [
  'GET /_cluster/health?wait_for_status=yellow&timeout=10s',
  'PUT /_security/role/logs_reader',
  'PUT /_security/user/grafana_logs',
  'PUT /_security/role/agent_service',
  'PUT /_security/user/agent_service',
  'PUT /_security/role/elasticsearch_exporter',
  'PUT /_security/user/elasticsearch_exporter',
];

describeWithBinaries('Elasticsearch init: the logs reader, the service and the exporter users', ['curl'], 'apt-get install curl', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('waits for the cluster, then puts each role and user, every request signed as elastic', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    const r = await run(envFor(es.url));
    expect(r.status, r.stderr).toBe(0);
    expect(es.requests.map((q) => `${q.method} ${q.url}`)).toEqual(REQUESTS);
    const basic = `Basic ${Buffer.from(`elastic:${ELASTIC_PASSWORD}`).toString('base64')}`;
    for (const q of es.requests) expect(q.authorization, q.url).toBe(basic);
    expect(es.requests[0]!.body).toBe('');
    expect(es.requests.slice(1).map((q) => JSON.parse(q.body))).toEqual([
      ROLE_BODY,
      USER_BODY,
      SERVICE_ROLE_BODY,
      SERVICE_USER_BODY,
      EXPORTER_ROLE_BODY,
      EXPORTER_USER_BODY,
    ]);
    // No password is echoed in the Job's log.
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
    expect(calls).toHaveLength(2 * REQUESTS.length);
    expect(calls.slice(REQUESTS.length)).toEqual(calls.slice(0, REQUESTS.length));
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

  it('refuses a service index list with an empty or unescapable pattern, and elastic as a client, before sending anything', async () => {
    const es = await fakeElasticsearch();
    server = es.server;
    for (const [extra, message] of [
      [{ SERVICE_INDICES: 'ai-agent-*,,x' }, 'SERVICE_INDICES must be comma-separated index patterns'],
      [{ SERVICE_INDICES: 'ai-agent-*,"]' }, 'SERVICE_INDICES must be comma-separated index patterns'],
      [{ EXPORTER_USER: 'elastic' }, 'EXPORTER_USER must not be elastic'],
      [{ SERVICE_USER: 'elastic' }, 'SERVICE_USER must not be elastic'],
    ] as const) {
      const r = await run(envFor(es.url, extra));
      expect(r.status, message).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(es.requests).toEqual([]);
  });
});

describeWithBinaries('Elasticsearch init over HTTPS: the CA is verified', ['curl', 'openssl'], 'apt-get install curl openssl', (bins) => {
  let dir = '';
  let tls: { key: string; cert: string };
  let server: Server | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-init-tls-'));
    const openssl = (...args: string[]) => execFileSync(bins['openssl']!, args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=test-ca', '-days', '1');
    openssl('req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=elasticsearch');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'san.ext');
    // A second CA that did not issue the server's certificate.
    openssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-subj', '/CN=other-ca', '-days', '1');
    tls = { key: readFileSync(join(dir, 'tls.key'), 'utf8'), cert: readFileSync(join(dir, 'tls.crt'), 'utf8') };
  });
  afterEach(() => {
    server?.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs in over HTTPS when ES_CA_CERT is the issuing CA', async () => {
    const es = await fakeElasticsearch({ tls });
    server = es.server;
    const r = await run(envFor(es.url, { ES_CA_CERT: join(dir, 'ca.crt') }));
    expect(r.status, r.stderr).toBe(0);
    expect(es.requests.map((q) => `${q.method} ${q.url}`)).toEqual(REQUESTS);
  });

  it('fails at once, sending no credentials, when the certificate does not verify', async () => {
    const es = await fakeElasticsearch({ tls });
    server = es.server;
    for (const ca of [{ ES_CA_CERT: join(dir, 'other.crt') }, {}] as Record<string, string>[]) {
      const r = await run(envFor(es.url, { ...ca, WAIT_SECONDS: '30' }));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/its certificate did not verify against ES_CA_CERT=.* \(curl exit 60\)/);
    }
    expect(es.requests).toEqual([]);
  });
});

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeWithBinaries } from '../../support/binaries.ts';

const SCRIPTS = join(import.meta.dirname, '..', '..', '..', 'constructs', 'scripts');
// Quotes and backslashes prove the password survives curl's config syntax.
const PASSWORD = 'elastic "test" \\pw';
const DAY_S = 86_400;

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly authorized: boolean;
}

/** An Elasticsearch stand-in that records every request and answers like the snapshot API. */
function fakeElasticsearch(opts: { snapshots: string; snapshotState?: string; restoreFailed?: number; closedIndices?: string }): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const expected = `Basic ${Buffer.from(`elastic:${PASSWORD}`).toString('base64')}`;
      const authorized = req.headers.authorization === expected;
      requests.push({ method: req.method!, url: req.url!, body, authorized });
      const json = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (!authorized) return json(401, { error: 'unauthorized' });
      const path = req.url!.split('?')[0]!;
      if (req.method === 'GET' && path.startsWith('/_cat/snapshots/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(opts.snapshots);
      }
      if (req.method === 'GET' && path.startsWith('/_cat/indices/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(opts.closedIndices ?? '');
      }
      if (req.method === 'PUT' && /^\/_snapshot\/[^/]+\/[^/]+$/.test(path)) {
        return json(200, { snapshot: { snapshot: path.split('/')[3], state: opts.snapshotState ?? 'SUCCESS' } });
      }
      if (path.endsWith('/_restore')) return json(200, { snapshot: { shards: { total: 3, failed: opts.restoreFailed ?? 0, successful: 3 } } });
      return json(200, { acknowledged: true });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server })),
  );
}

/** Runs a script without blocking the event loop (the fake server lives in this process). */
function run(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(SCRIPTS, script)], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const now = () => Math.floor(Date.now() / 1000);

describeWithBinaries('Elasticsearch snapshot and restore requests', ['curl'], 'apt-get install curl', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('registers an S3 repository, snapshots every index, and deletes only expired snapshots', async () => {
    const listing = [
      `backup-old-failed FAILED ${now() - 40 * DAY_S}`,
      `backup-old SUCCESS ${now() - 30 * DAY_S}`,
      `backup-recent SUCCESS ${now() - 2 * DAY_S}`,
      `backup-today SUCCESS ${now() - 60}`,
    ].join('\n');
    const es = await fakeElasticsearch({ snapshots: `${listing}\n` });
    server = es.server;
    const r = await run('elasticsearch-snapshot.sh', {
      ES_URL: `${es.url}/`,
      ELASTIC_PASSWORD: PASSWORD,
      BACKUP_TARGET: 's3://agent-platform-backups/prod/elasticsearch',
      RETENTION_DAYS: '7',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(es.requests.every((q) => q.authorized)).toBe(true);
    const calls = es.requests.map((q) => `${q.method} ${q.url.replace(/backup-\d{8}t\d{6}z/, 'backup-<now>')}`);
    expect(calls).toEqual([
      'PUT /_snapshot/backups',
      'PUT /_snapshot/backups/backup-<now>?wait_for_completion=true',
      'GET /_cat/snapshots/backups?h=id,status,end_epoch&s=end_epoch',
      'DELETE /_snapshot/backups/backup-old-failed',
      'DELETE /_snapshot/backups/backup-old',
    ]);
    expect(JSON.parse(es.requests[0]!.body)).toEqual({
      type: 's3',
      settings: { bucket: 'agent-platform-backups', base_path: 'prod/elasticsearch', server_side_encryption: true },
    });
    expect(JSON.parse(es.requests[1]!.body)).toEqual({ indices: '*', include_global_state: true });
    // The password never appears on curl's command line, only in the Authorization header.
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('keeps the newest successful snapshot even when every snapshot is expired', async () => {
    const es = await fakeElasticsearch({ snapshots: `backup-a SUCCESS ${now() - 20 * DAY_S}\nbackup-b SUCCESS ${now() - 10 * DAY_S}\nbackup-c FAILED ${now() - 9 * DAY_S}\n` });
    server = es.server;
    const r = await run('elasticsearch-snapshot.sh', { ES_URL: es.url, ELASTIC_PASSWORD: PASSWORD, BACKUP_TARGET: 'file:///snapshots', RETENTION_DAYS: '7' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(es.requests[0]!.body)).toEqual({ type: 'fs', settings: { location: '/snapshots' } });
    expect(es.requests.filter((q) => q.method === 'DELETE').map((q) => q.url)).toEqual(['/_snapshot/backups/backup-a', '/_snapshot/backups/backup-c']);
  });

  it('fails with a non-zero exit, deleting nothing, when the snapshot does not succeed', async () => {
    const es = await fakeElasticsearch({ snapshots: `backup-old SUCCESS ${now() - 30 * DAY_S}\n`, snapshotState: 'PARTIAL' });
    server = es.server;
    const r = await run('elasticsearch-snapshot.sh', { ES_URL: es.url, ELASTIC_PASSWORD: PASSWORD, BACKUP_TARGET: 's3://b/p', RETENTION_DAYS: '7' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('did not succeed');
    expect(es.requests.some((q) => q.method === 'DELETE')).toBe(false);
  });

  it('fails with a non-zero exit when Elasticsearch refuses the password', async () => {
    const es = await fakeElasticsearch({ snapshots: '' });
    server = es.server;
    const r = await run('elasticsearch-snapshot.sh', { ES_URL: es.url, ELASTIC_PASSWORD: 'wrong', BACKUP_TARGET: 's3://b/p', RETENTION_DAYS: '7' });
    expect(r.status).not.toBe(0);
    expect(es.requests).toHaveLength(1);
  });

  it('restores the newest successful snapshot after closing the indices it replaces, then reopens what it closed', async () => {
    const es = await fakeElasticsearch({
      snapshots: `backup-a SUCCESS ${now() - 3 * DAY_S}\nbackup-b SUCCESS ${now() - DAY_S}\nbackup-c FAILED ${now() - 60}\n`,
      closedIndices: 'archive-2025\n',
    });
    server = es.server;
    const r = await run('elasticsearch-restore.sh', { ES_URL: es.url, ELASTIC_PASSWORD: PASSWORD });
    expect(r.status, r.stderr).toBe(0);
    expect(es.requests.map((q) => `${q.method} ${decodeURIComponent(q.url)}`)).toEqual([
      'GET /_cat/snapshots/backups?h=id,status,end_epoch&s=end_epoch',
      'GET /_cat/indices/*,-.*?h=index&expand_wildcards=closed',
      'POST /*,-.*/_close?expand_wildcards=open&allow_no_indices=true&ignore_unavailable=true',
      'POST /_snapshot/backups/backup-b/_restore?wait_for_completion=true',
      // Indices the snapshot does not hold (written after it) would otherwise stay closed; one
      // closed before the restore stays closed.
      'POST /*,-.*,-archive-2025/_open?expand_wildcards=closed&allow_no_indices=true&ignore_unavailable=true',
    ]);
    expect(JSON.parse(es.requests[3]!.body)).toEqual({ indices: '*,-.*', include_global_state: false });
  });

  it('fails the restore when shards fail, and still reopens the indices it closed', async () => {
    const es = await fakeElasticsearch({ snapshots: '', restoreFailed: 1 });
    server = es.server;
    const r = await run('elasticsearch-restore.sh', { ES_URL: es.url, ELASTIC_PASSWORD: PASSWORD, SNAPSHOT: 'backup-x' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('reported failures');
    expect(es.requests.map((q) => `${q.method} ${decodeURIComponent(q.url).split('?')[0]}`).at(-1)).toBe('POST /*,-.*/_open');
  });
});

/**
 * The parts of the Argo CD harness that decide a verdict, checked without Argo CD: the wave-order
 * check fails on an Application that came too early, and the cluster-name proxy tunnels only the
 * names it was given.
 */
import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type ApplicationState, WaveRecorder } from './applications.ts';
import { startConnectProxy } from './connect-proxy.ts';

function app(name: string, wave: number, health?: string): ApplicationState {
  return { name, wave, project: 'p', automated: true, sync: health ? 'Synced' : 'OutOfSync', health, syncResult: [], resources: [], conditions: [] };
}

const snapshot = (...apps: ApplicationState[]) => new Map(apps.map((a) => [a.name, a]));

describe('wave order', () => {
  it('accepts a later wave that appears once the earlier one is Healthy', () => {
    const w = new WaveRecorder();
    w.record(snapshot(app('config', 2, 'Progressing')));
    w.record(snapshot(app('config', 2, 'Healthy'), app('env', 3)));
    expect(w.violations(new Set())).toEqual([]);
  });

  it('flags a later wave that appears while an earlier one is not Healthy', () => {
    const w = new WaveRecorder();
    w.record(snapshot(app('config', 2, 'Progressing'), app('env', 3)));
    w.record(snapshot(app('config', 2, 'Healthy'), app('env', 3, 'Healthy')));
    expect(w.violations(new Set())).toEqual(['env (wave 3) appeared at poll 1, before config (wave 2) was Healthy (poll 2)']);
    expect(w.violations(new Set(['config']))).toEqual([]);
  });
});

describe('cluster-name proxy', () => {
  it('tunnels a registered cluster name to its loopback port and refuses any other', async () => {
    const target = createServer((_req, res) => res.end('api server'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const port = (target.address() as { port: number }).port;
    const proxy = await startConnectProxy(new Map([['nonprod.k8s.example.com:443', port]]));
    const connectTo = (authority: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const { hostname, port: proxyPort } = new URL(proxy.url);
        const req = request({ host: hostname, port: Number(proxyPort), method: 'CONNECT', path: authority });
        req.on('connect', (res, socket) => {
          if (res.statusCode !== 200) {
            socket.destroy();
            resolve({ status: res.statusCode ?? 0, body: '' });
            return;
          }
          socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
          let body = '';
          socket.on('data', (d: Buffer) => (body += d.toString()));
          socket.on('end', () => resolve({ status: 200, body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const ok = await connectTo('nonprod.k8s.example.com:443');
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('api server');
      expect((await connectTo('prod.k8s.example.com:443')).status).toBe(403);
    } finally {
      await proxy.stop();
      await new Promise<void>((r) => target.close(() => r()));
    }
  });
});

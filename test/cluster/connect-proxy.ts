/**
 * The names of the destination clusters (`gitops.cluster.server`, e.g.
 * `https://nonprod.k8s.example.com`) resolve nowhere on this machine, yet Argo CD must reach them
 * under exactly those names: an Application's `destination.server` is matched against the
 * registered clusters by string. So each cluster is registered under its own name with a
 * `proxyUrl` (Argo CD's cluster `config.proxyUrl`, pkg/apis/application/v1alpha1/types.go,
 * RawRestConfig) pointing here, and this HTTP CONNECT proxy tunnels each name to the loopback port
 * of the API server that stands in for it. Nothing but the mapped names is tunnelled, and only to
 * loopback.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** A running proxy: its URL for Argo CD's cluster config, and how to stop it. */
export interface ConnectProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a CONNECT proxy on 127.0.0.1.
 * @param routes `host:port` as a client asks for it (`nonprod.k8s.example.com:443`) → loopback port
 */
export async function startConnectProxy(routes: ReadonlyMap<string, number>): Promise<ConnectProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end('CONNECT only\n');
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const port = routes.get(req.url ?? '');
    if (port === undefined) {
      client.end(`HTTP/1.1 403 Forbidden\r\n\r\n${req.url} is not a cluster of this harness\n`);
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('connect proxy: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

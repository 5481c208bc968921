/**
 * Argo CD's application controller and repo server, built from the Go module proxy at the pinned
 * version (tools/go-tools/pins.ts, `argocd`), run as processes on this machine against the
 * harness's control planes, the way Argo CD's own local development runs them (upstream
 * `Procfile`: `ARGOCD_FAKE_IN_CLUSTER=true`, `ARGOCD_BINARY_NAME=…`, `--redis`, `--repo-server`).
 *
 * Set up as the README's bootstrap says, with upstream's own objects where upstream has them:
 * the namespace `argocd`, Argo CD's configuration objects
 * (`manifests/base/config`: argocd-cm, argocd-rbac-cm, argocd-cmd-params-cm, argocd-secret, …)
 * from the module at the pinned version, Redis (Debian's `redis-server`) on loopback, the
 * destination clusters registered under the names the environments give them (see
 * ./connect-proxy.ts), and the health check of `argoproj.io/Application` that the README's
 * bootstrap enables. Harness-only health overrides are in HEALTH_OVERRIDES, each with its reason.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ARGO_CD } from '../../constructs/versions.ts';
import { startConnectProxy, type ConnectProxy } from './connect-proxy.ts';
import { goModuleDir } from './go-modules.ts';

/** Module whose `cmd` main is every Argo CD binary, picked by the name it is called by. */
export const ARGO_CD_MODULE = 'github.com/argoproj/argo-cd/v3';

/** Runs kubectl against one cluster; `input` goes to stdin. */
export type Kubectl = (args: readonly string[], input?: string) => string;

/** One destination cluster: the name the environments use and how to reach its API server. */
export interface Destination {
  /** `gitops.cluster.server`, e.g. `https://nonprod.k8s.example.com`. */
  readonly server: string;
  /** `gitops.cluster.name`. */
  readonly name: string;
  /** Path of an admin kubeconfig of the control plane that stands in for it. */
  readonly kubeconfig: string;
}

/**
 * Health checks the harness sets in argocd-cm and a real cluster would not need. Each says why
 * the controller behind the kind cannot work here; every other kind is judged by Argo CD's own
 * checks (resource_customizations/ of the pinned module).
 */
export const HEALTH_OVERRIDES: Readonly<Record<string, { readonly reason: string; readonly lua?: string }>> = {
  autoscaling_HorizontalPodAutoscaler: {
    reason: "no metrics API: metrics-server (a left-out Helm add-on) reads each kubelet's resource metrics, and kwok's nodes have no kubelet, so a Resource metric is never available (FailedGetResourceMetric)",
    // Only the missing metrics are forgiven: a target the HPA cannot find still fails (AbleToScale False).
    lua: `hs = {}
hs.status = "Healthy"
hs.message = "harness override: metrics not available on kwok nodes"
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "AbleToScale" and c.status == "False" then
      hs.status = "Degraded"
      hs.message = c.message
      return hs
    end
  end
end
return hs
`,
  },
  'postgresql.cnpg.io_Cluster': {
    reason: "CloudNativePG's operator and instance manager are not run: its instances are pods that run the instance manager, which kwok's pods do not",
  },
  'gateway.networking.k8s.io_Gateway': {
    reason: 'Envoy Gateway is not run (upstream Helm chart, no chart registry here); it programs Envoy proxies, which kwok pods cannot run, before it reports a Gateway Programmed',
  },
  'gateway.networking.k8s.io_HTTPRoute': {
    reason: 'Envoy Gateway is not run (see Gateway), so no controller reports a route Accepted',
  },
  'gateway.networking.k8s.io_GatewayClass': {
    reason: 'Envoy Gateway is not run (see Gateway), so no controller accepts the class',
  },
};

/** The health check the README's bootstrap enables (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/, "Argo CD App"). */
const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

function overrideLua(reason: string): string {
  return `hs = {}\nhs.status = "Healthy"\nhs.message = ${JSON.stringify(`harness override: ${reason}`)}\nreturn hs\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a !== 'string' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface KubeconfigUser {
  'client-certificate-data'?: string;
  'client-key-data'?: string;
  token?: string;
}

/** Argo CD's cluster Secret for a destination reached through the proxy (declarative setup, cluster secrets). */
function clusterSecret(d: Destination, proxyUrl: string): { secret: Record<string, unknown>; port: number } {
  const kc = yaml.load(readFileSync(d.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
    users: { user: KubeconfigUser & { 'client-certificate'?: string; 'client-key'?: string } }[];
  };
  const cluster = kc.clusters[0]!.cluster;
  const user = kc.users[0]!.user;
  const b64 = (file?: string) => (file ? readFileSync(file).toString('base64') : undefined);
  const api = new URL(cluster.server);
  const config = {
    tlsClientConfig: {
      caData: cluster['certificate-authority-data'] ?? b64(cluster['certificate-authority']),
      certData: user['client-certificate-data'] ?? b64(user['client-certificate']),
      keyData: user['client-key-data'] ?? b64(user['client-key']),
      // The API server's certificate names its loopback address, not the cluster's public name.
      serverName: api.hostname,
    },
    ...(user.token ? { bearerToken: user.token } : {}),
    proxyUrl,
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `cluster-${d.name}`, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
    type: 'Opaque',
    stringData: { name: d.name, server: d.server, config: JSON.stringify(config) },
  };
  return { secret, port: Number(api.port || 443) };
}

/** A running Argo CD. */
export interface ArgoCd {
  /** Where the processes log (`repo-server.log`, `application-controller.log`, `redis.log`). */
  readonly logDir: string;
  stop(): Promise<void>;
}

export interface ArgoCdOptions {
  /** The `argocd` binary (cmd main); linked under the names it dispatches on. */
  readonly binary: string;
  readonly redisServer: string;
  /** kubectl against the cluster Argo CD runs in (`https://kubernetes.default.svc`). */
  readonly kubectl: Kubectl;
  /** Admin kubeconfig of that cluster. */
  readonly kubeconfig: string;
  /** Destination clusters besides the in-cluster one. */
  readonly destinations: readonly Destination[];
  /** Scratch directory (logs, links, Redis data). */
  readonly workDir: string;
}

/** Installs Argo CD's objects, starts Redis, the repo server and the application controller. */
export async function startArgoCd(o: ArgoCdOptions): Promise<ArgoCd> {
  const logDir = join(o.workDir, 'logs');
  const bin = join(o.workDir, 'bin');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(bin, { recursive: true });
  for (const d of ['tls', 'ssh', 'gpg-keys', 'gpg-source', 'cmp']) mkdirSync(join(o.workDir, d), { recursive: true });
  const children: ChildProcess[] = [];
  let proxy: ConnectProxy | undefined;

  const run = (name: string, file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess => {
    const log = createWriteStream(join(logDir, `${name}.log`));
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push(child);
    return child;
  };

  const stop = async (): Promise<void> => {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM');
        const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    }
    await proxy?.stop();
  };

  try {
    // The CRDs come from upstream's manifests/crds with every add-on's (./crds.ts, installCrds).
    o.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/applications.argoproj.io', 'crd/appprojects.argoproj.io']);
    const moduleDir = goModuleDir(ARGO_CD_MODULE, ARGO_CD.version);
    o.kubectl(['apply', '--server-side', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n');
    const config = join(moduleDir, 'manifests', 'base', 'config');
    for (const f of readdirSync(config).filter((f) => f.startsWith('argocd-') && f.endsWith('.yaml')).sort()) {
      o.kubectl(['apply', '-n', 'argocd', '--server-side', '-f', join(config, f)]);
    }
    const data: Record<string, string> = { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH };
    for (const [kind, { reason, lua }] of Object.entries(HEALTH_OVERRIDES)) data[`resource.customizations.health.${kind}`] = lua ?? overrideLua(reason);
    o.kubectl(['apply', '-n', 'argocd', '--server-side', '--field-manager=harness', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data }));

    const routes = new Map<string, number>();
    const secrets: Record<string, unknown>[] = [];
    proxy = await startConnectProxy(routes);
    for (const d of o.destinations) {
      const { secret, port } = clusterSecret(d, proxy.url);
      routes.set(`${new URL(d.server).hostname}:${new URL(d.server).port || 443}`, port);
      secrets.push(secret);
    }
    for (const s of secrets) o.kubectl(['apply', '--server-side', '--field-manager=harness', '-f', '-'], JSON.stringify(s));

    const redisPort = await freePort();
    const redisDir = join(o.workDir, 'redis');
    mkdirSync(redisDir, { recursive: true });
    run('redis', o.redisServer, ['--bind', '127.0.0.1', '--port', String(redisPort), '--dir', redisDir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']);
    await waitFor('redis', 20_000, () => portOpen(redisPort));

    const common: NodeJS.ProcessEnv = {
      ARGOCD_FAKE_IN_CLUSTER: 'true',
      KUBECONFIG: o.kubeconfig,
      ARGOCD_TLS_DATA_PATH: join(o.workDir, 'tls'),
      ARGOCD_SSH_DATA_PATH: join(o.workDir, 'ssh'),
      ARGOCD_GNUPGHOME: join(o.workDir, 'gpg-keys'),
      ARGOCD_GPG_DATA_PATH: join(o.workDir, 'gpg-source'),
      ARGOCD_PLUGINSOCKFILEPATH: join(o.workDir, 'cmp'),
      ARGOCD_GPG_ENABLED: 'false',
      // No proxy from the environment: the only proxy is ours, named per cluster.
      HTTPS_PROXY: '',
      HTTP_PROXY: '',
      https_proxy: '',
      http_proxy: '',
    };
    const link = (name: string) => {
      const p = join(bin, name);
      execFileSync('ln', ['-sf', o.binary, p]);
      return p;
    };
    // The repo server runs upstream's hack/git-verify-wrapper.sh (and gpg-wrapper.sh) for every
    // manifest generation, found on PATH: the image copies them to /usr/local/bin (Dockerfile).
    for (const script of ['git-verify-wrapper.sh', 'gpg-wrapper.sh']) {
      copyFileSync(join(moduleDir, 'hack', script), join(bin, script));
      chmodSync(join(bin, script), 0o755);
    }
    const repoPort = await freePort();
    run('repo-server', link('argocd-repo-server'), ['--loglevel', 'info', '--logformat', 'text', '--address', '127.0.0.1', '--port', String(repoPort), '--metrics-address', '127.0.0.1', '--metrics-port', String(await freePort()), '--redis', `127.0.0.1:${redisPort}`], { ...common, PATH: `${bin}:${process.env['PATH'] ?? ''}` });
    await waitFor('the repo server', 60_000, () => portOpen(repoPort));
    run('application-controller', link('argocd-application-controller'), [
      '--loglevel', 'info', '--logformat', 'text',
      '--namespace', 'argocd',
      '--redis', `127.0.0.1:${redisPort}`,
      '--repo-server', `127.0.0.1:${repoPort}`,
      '--metrics-port', String(await freePort()),
    ], {
      ...common,
      // One controller owns every cluster; otherwise it infers its shard from the host name's ordinal.
      ARGOCD_CONTROLLER_REPLICAS: '1',
      ARGOCD_CONTROLLER_SHARD: '0',
    });
    return { logDir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/**
 * A real Kubernetes control plane on loopback for the cluster tests: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler at the Kubernetes release the output targets, and
 * kwok playing the kubelets of fake nodes (pods become Running and Ready, Job pods Succeeded; no
 * container ever runs). Every binary is one `npm run tools:build` built from the Go module proxy
 * (tools/go-tools/pins.ts); kwok's stages are read from its module at the pinned version.
 *
 * Each run gets its own directory (certificates, etcd data, kubeconfigs, one log per component)
 * and random free ports, so runs never share state. A component that does not become healthy
 * fails the start with the run directory and the end of its log in the message.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GO_TOOLS, type GoToolName, goToolPath } from '../../tools/go-tools/pins.ts';
import { goModuleDir } from './go-modules.ts';
import { generatePki, type Pki, SERVICE_CLUSTER_IP_RANGE } from './pki.ts';

/** The binaries a control plane runs, all built by `npm run tools:build`. */
export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'] as const satisfies readonly GoToolName[];

/** The annotation kwok's `--manage-nodes-with-annotation-selector` picks the fake nodes by. */
export const FAKE_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

/**
 * kwok's own stages (`kustomize/stage/` of its module), the set `kwokctl` loads by default
 * (pkg/kwokctl/runtime/cluster.go, getDefaultNodeStages/getDefaultPodStages): nodes are
 * initialized Ready and renew their Lease; a scheduled pod becomes Running with every container
 * ready, a pod owned by a Job then Succeeds, a deleted pod is removed.
 */
const KWOK_STAGES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
] as const;

/** The fake nodes' capacity: a general-purpose 8 vCPU / 32 GiB machine with the default pod limit. */
const NODE_CAPACITY = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' } as const;

export interface ControlPlaneOptions {
  /**
   * Fake nodes, spread round-robin over `zones`: enough for prod's hostname spreads and required
   * anti-affinities (three replicas at most per workload) with room for a rolling update.
   * @default 6
   */
  readonly nodes?: number;
  /**
   * Values of `topology.kubernetes.io/zone`, which the workloads' zone spread constraints read.
   * @default ['test-zone-a', 'test-zone-b', 'test-zone-c']
   */
  readonly zones?: readonly string[];
  /**
   * Start the processes in their own session so they outlive this one (`npm run cluster:up`);
   * otherwise they are stopped when this process exits.
   * @default false
   */
  readonly detached?: boolean;
  /**
   * How long each component may take to become healthy.
   * @default 180000 (the machine may be busy with builds)
   */
  readonly timeoutMs?: number;
}

/** One running component. */
export interface ComponentProcess {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
}

/** What `startControlPlane` returns and `npm run cluster:up` records. */
export interface ControlPlaneState {
  /** The run's directory: certificates, etcd data, kubeconfigs, `logs/`. */
  readonly dir: string;
  readonly logDir: string;
  /** Admin kubeconfig (system:masters) for kubectl, tests and the other harness parts. */
  readonly kubeconfig: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** The CA of the API server's serving and client certificates. */
  readonly caCert: string;
  readonly processes: readonly ComponentProcess[];
  /** Names of the fake nodes. */
  readonly nodes: readonly string[];
  /** Milliseconds from start to every node Ready. */
  readonly startupMs: number;
}

/** Result of a kubectl run whose failure is expected. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ControlPlane extends ControlPlaneState {
  /** Runs the built kubectl against this plane; throws with its stderr when it fails. */
  kubectl(args: readonly string[], input?: string): string;
  /** Runs kubectl and returns its exit status and output, for asserting a rejection. */
  tryKubectl(args: readonly string[], input?: string): KubectlResult;
  /** Stops every component (reverse start order) and removes the run directory unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function kubeconfigYaml(server: string, ca: string, cert: string, key: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: agent-platform-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${ca}`,
    'users:',
    '- name: user',
    '  user:',
    `    client-certificate: ${cert}`,
    `    client-key: ${key}`,
    'contexts:',
    '- name: agent-platform-test',
    '  context: {cluster: agent-platform-test, user: user}',
    'current-context: agent-platform-test',
    '',
  ].join('\n');
}

function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether `pid` is still running (and not a zombie we already reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET over HTTPS on loopback; resolves with the status code and body, never rejects. */
function httpsGet(url: string, tls: { ca?: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, {
      ca: tls.ca ? readFileSync(tls.ca) : undefined,
      cert: tls.cert ? readFileSync(tls.cert) : undefined,
      key: tls.key ? readFileSync(tls.key) : undefined,
      // The controller-manager and scheduler serve /healthz with a self-signed certificate they
      // generate at start; only their health is read, over loopback.
      rejectUnauthorized: Boolean(tls.ca),
      timeout: 5000,
    }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

class Run {
  readonly processes: ComponentProcess[] = [];
  private readonly children = new Map<number, ChildProcess>();
  private readonly onExit = (): void => this.killAll('SIGKILL');

  readonly dir: string;
  readonly logDir: string;
  readonly detached: boolean;
  readonly timeoutMs: number;

  constructor(dir: string, logDir: string, detached: boolean, timeoutMs: number) {
    this.dir = dir;
    this.logDir = logDir;
    this.detached = detached;
    this.timeoutMs = timeoutMs;
    if (!detached) process.on('exit', this.onExit);
  }

  start(name: string, bin: GoToolName, args: readonly string[]): ComponentProcess {
    const log = join(this.logDir, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(goToolPath(bin), args, { stdio: ['ignore', fd, fd], detached: this.detached });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`${name} did not start (${goToolPath(bin)}); see ${log}`);
    child.on('error', () => undefined);
    if (this.detached) child.unref();
    else this.children.set(child.pid, child);
    const p = { name, pid: child.pid, log };
    this.processes.push(p);
    return p;
  }

  /** Polls `check` until it returns true; fails naming the component, its log and the run dir. */
  async waitFor(p: ComponentProcess, what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (!alive(p.pid) || (this.children.get(p.pid)?.exitCode ?? null) !== null) {
        throw new Error(`${p.name} exited before ${what} (run directory ${this.dir}); end of ${p.log}:\n${tail(p.log)}`);
      }
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`${p.name}: no ${what} after ${this.timeoutMs / 1000}s (run directory ${this.dir}); end of ${p.log}:\n${tail(p.log)}`);
      await sleep(250);
    }
  }

  killAll(signal: NodeJS.Signals): void {
    for (const p of [...this.processes].reverse()) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    process.off('exit', this.onExit);
    await stopProcesses(this.processes);
  }
}

/**
 * Stops processes in reverse start order: SIGTERM, then SIGKILL after 15 s. Works on pids alone,
 * so `npm run cluster:down` stops a plane another process started.
 */
export async function stopProcesses(processes: readonly ComponentProcess[]): Promise<void> {
  for (const p of [...processes].reverse()) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + 15_000;
    while (alive(p.pid) && Date.now() < deadline) await sleep(100);
    if (alive(p.pid)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

function runKubectl(kubeconfig: string, args: readonly string[], input?: string): KubectlResult {
  const r = spawnSync(goToolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** kubectl helpers bound to a kubeconfig (also used for a plane `npm run cluster:up` started). */
export function kubectlFor(kubeconfig: string): Pick<ControlPlane, 'kubectl' | 'tryKubectl'> {
  return {
    tryKubectl: (args, input) => runKubectl(kubeconfig, args, input),
    kubectl: (args, input) => {
      const r = runKubectl(kubeconfig, args, input);
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.status}:\n${r.stderr.trim()}`);
      return r.stdout;
    },
  };
}

/** The fake nodes as Node objects: kwok picks them by annotation and reports them Ready. */
function nodeManifests(names: readonly string[], zones: readonly string[], podCidr: (i: number) => string): string {
  const items = names.map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'kwok-8cpu-32gi',
        'topology.kubernetes.io/region': 'test-region',
        'topology.kubernetes.io/zone': zones[i % zones.length]!,
        type: 'kwok',
      },
    },
    spec: { podCIDR: podCidr(i), podCIDRs: [podCidr(i)] },
    // A Node's status may be set on create; kwok's node-initialize stage keeps given capacity.
    status: { capacity: NODE_CAPACITY, allocatable: NODE_CAPACITY },
  }));
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** Paths of every binary the plane runs, or the names of those not built yet. */
export function missingControlPlaneBinaries(): string[] {
  return CONTROL_PLANE_BINARIES.filter((b) => !existsSync(goToolPath(b)));
}

/** Starts a control plane and returns once every component is healthy and every node Ready. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const t0 = Date.now();
  const missing = missingControlPlaneBinaries();
  if (missing.length) throw new Error(`not built: ${missing.join(', ')}; run \`npm run tools:build\``);
  const nodeCount = opts.nodes ?? 6;
  const zones = opts.zones ?? ['test-zone-a', 'test-zone-b', 'test-zone-c'];
  const dir = mkdtempSync(join(tmpdir(), 'agent-platform-cluster-'));
  const logDir = join(dir, 'logs');
  const pkiDir = join(dir, 'pki');
  mkdirSync(logDir);
  mkdirSync(pkiDir, { mode: 0o700 });
  const run = new Run(dir, logDir, opts.detached ?? false, opts.timeoutMs ?? 180_000);
  try {
    const pki: Pki = generatePki(pkiDir, {
      admin: { user: 'agent-platform-admin', groups: ['system:masters'] },
      'kube-controller-manager': { user: 'system:kube-controller-manager' },
      'kube-scheduler': { user: 'system:kube-scheduler' },
      // kwok writes node and pod status for every fake node, which no built-in role grants.
      kwok: { user: 'kwok', groups: ['system:masters'] },
    });
    const [etcdClient, etcdPeer, apiPort, cmPort, schedPort, kwokPort] = await Promise.all(Array.from({ length: 6 }, freePort)) as [number, number, number, number, number, number];
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = (stem: string): string => {
      const file = join(dir, `${stem}.kubeconfig`);
      writeFileSync(file, kubeconfigYaml(server, pki.caCert, pki.clients[stem]!.cert, pki.clients[stem]!.key), { mode: 0o600 });
      return file;
    };
    const admin = kubeconfig('admin');

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    // Plain HTTP on loopback only, as envtest runs it: nothing else on the machine is a client.
    const etcd = run.start('etcd', 'etcd', [
      '--name=test', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=test=${peerUrl}`,
      // A throwaway store: no fsync (much faster on a shared disk), nothing survives the run anyway.
      '--unsafe-no-fsync',
      '--listen-metrics-urls=', '--log-level=warn',
    ]);
    await run.waitFor(etcd, 'healthy /health', async () => {
      try {
        const res = await fetch(`${etcdUrl}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      } catch {
        return false;
      }
    });

    const apiserver = run.start('kube-apiserver', 'kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      // RBAC as in every managed cluster; the admission plugins are the defaults (PodSecurity,
      // ServiceAccount, LimitRanger, ResourceQuota, the webhooks, ...), none turned off.
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      '--profiling=false',
    ]);
    const adminTls = { ca: pki.caCert, cert: pki.clients['admin']!.cert, key: pki.clients['admin']!.key };
    await run.waitFor(apiserver, 'ready /readyz', async () => (await httpsGet(`${server}/readyz`, adminTls)).status === 200);

    const cm = run.start('kube-controller-manager', 'kube-controller-manager', [
      `--kubeconfig=${kubeconfig('kube-controller-manager')}`,
      `--authentication-kubeconfig=${join(dir, 'kube-controller-manager.kubeconfig')}`,
      `--authorization-kubeconfig=${join(dir, 'kube-controller-manager.kubeconfig')}`,
      '--bind-address=127.0.0.1', `--secure-port=${cmPort}`, `--cert-dir=${join(dir, 'kube-controller-manager-serving')}`,
      '--leader-elect=false',
      // Each controller acts as its own service account, with the rights upstream's RBAC gives it.
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--profiling=false',
    ]);
    const scheduler = run.start('kube-scheduler', 'kube-scheduler', [
      `--kubeconfig=${kubeconfig('kube-scheduler')}`,
      `--authentication-kubeconfig=${join(dir, 'kube-scheduler.kubeconfig')}`,
      `--authorization-kubeconfig=${join(dir, 'kube-scheduler.kubeconfig')}`,
      '--bind-address=127.0.0.1', `--secure-port=${schedPort}`, `--cert-dir=${join(dir, 'kube-scheduler-serving')}`,
      '--leader-elect=false',
      '--profiling=false',
    ]);
    const kwokDir = goModuleDir('sigs.k8s.io/kwok', (GO_TOOLS.find((t) => t.module === 'sigs.k8s.io/kwok'))!.version);
    const kwok = run.start('kwok', 'kwok', [
      `--kubeconfig=${kubeconfig('kwok')}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION.key}=${FAKE_NODE_ANNOTATION.value}`,
      '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${kwokPort}`,
      ...KWOK_STAGES.map((s) => `--config=${join(kwokDir, s)}`),
    ]);
    await run.waitFor(cm, 'healthy /healthz', async () => (await httpsGet(`https://127.0.0.1:${cmPort}/healthz`, {})).status === 200);
    await run.waitFor(scheduler, 'healthy /healthz', async () => (await httpsGet(`https://127.0.0.1:${schedPort}/healthz`, {})).status === 200);
    await run.waitFor(kwok, 'healthy /healthz', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${kwokPort}/healthz`)).ok;
      } catch {
        return false;
      }
    });

    const k = kubectlFor(admin);
    const nodes = Array.from({ length: nodeCount }, (_, i) => `kwok-node-${i}`);
    k.kubectl(['apply', '--server-side', '--field-manager=agent-platform-harness', '-f', '-'], nodeManifests(nodes, zones, (i) => `10.244.${i}.0/24`));
    await run.waitFor(kwok, 'Ready fake nodes', () => k.tryKubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=2s']).status === 0);
    // The controller-manager is up once it has created the default namespace's service account,
    // which every pod without its own needs.
    await run.waitFor(cm, 'default service account', () => k.tryKubectl(['get', 'serviceaccount', 'default', '-n', 'default']).status === 0);

    const state: ControlPlaneState = { dir, logDir, kubeconfig: admin, server, caCert: pki.caCert, processes: run.processes, nodes, startupMs: Date.now() - t0 };
    return {
      ...state,
      ...k,
      stop: async (o = {}) => {
        await run.stop();
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await run.stop();
    throw e;
  }
}

/** The `kubectl` built at the pinned Kubernetes release, for callers outside a handle. */
export function kubectlPath(): string {
  return goToolPath('kubectl');
}

/** The version the API server reports, e.g. `v1.36.3`. */
export function serverVersion(plane: Pick<ControlPlane, 'kubectl'>): string {
  return (JSON.parse(plane.kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion;
}

/** Runs a command synchronously (used by the CLI to check a recorded plane is still reachable). */
export function reachable(kubeconfig: string): boolean {
  try {
    execFileSync(goToolPath('kubectl'), ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz', '--request-timeout=5s'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * cert-manager and External Secrets Operator, built from the Go module proxy (tools/go-tools/pins.ts)
 * and run for real, out of cluster, against a control plane of the harness, with stand-ins under
 * the names our environments reference:
 *
 * - every ClusterIssuer an environment names (`ingress.clusterIssuer`, Let's Encrypt ACME with
 *   DNS-01 in Route 53 in the cluster configuration) becomes a CA ClusterIssuer signing with one
 *   root that a selfSigned ClusterIssuer issues through cert-manager itself;
 * - every secret store an environment names (`secrets.store`, AWS Secrets Manager over IRSA in the
 *   cluster configuration) becomes a store of ESO's built-in `fake` provider, restricted to the
 *   environment's namespace as the real one is, holding a freshly generated random value for every
 *   remote key and property the environment's ExternalSecrets read. The values live only in the
 *   control plane of one run; nothing is written to disk by us or printed.
 *
 * What this proves: our Certificates, Issuers and ExternalSecrets are accepted by the real
 * controllers at the pinned versions and reach Ready; the issuer kinds and names, the store kinds
 * and names, the remote references, the templates (ESO's template engine v2) and the produced
 * Secrets' keys are what the controllers make of them. What it cannot prove: that Let's Encrypt
 * issues for our DNS names (the ACME account, the DNS-01 challenge in the Route 53 zone, cert-manager's
 * IRSA role), and that AWS Secrets Manager holds these keys and that the store's IRSA role may read
 * them; those stay covered by the Pulumi program's IAM tests and by the environment's first sync.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { loadEnvironments } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { ADD_ONS } from '../../stacks/gitops.ts';
import { type Manifest, renderEnvironment } from '../../stacks/render.ts';
import { findBinary } from '../support/binaries.ts';

/**
 * What the issuers need of a control plane (a `ControlPlane` of test/cluster/control-plane.ts is
 * one): its kubeconfig, and its kubectl when it has one.
 */
export interface KubeTarget {
  readonly kubeconfig: string;
  kubectl?(args: readonly string[], input?: string): string;
}

/** The two controllers, running. */
export interface RunningIssuers {
  /** Stops both controllers (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  stop(): Promise<void>;
  /** The controllers' combined output so far, for a failing test's message. */
  logs(): string;
  /** The stand-in objects installed, for tests that want to check against them. */
  readonly standIns: readonly Manifest[];
  /** Milliseconds from start to every stand-in issuer and store Ready. */
  readonly readyMs: number;
}

/** One environment and its rendered objects (the model's output, not parsed back from generated/). */
export interface RenderedEnvironment {
  readonly env: Environment;
  readonly manifests: readonly Manifest[];
}

/** Binaries the issuers run; tests pass these to describeWithBinaries. */
export const ISSUER_BINARIES = ['cert-manager-controller', 'external-secrets', 'kubectl'] as const;

const addOnNamespace = (key: string): string => ADD_ONS.find((a) => a.key === key)!.namespace;
/** Namespaces the add-ons run in, as the cluster configuration installs them. */
export const CERT_MANAGER_NAMESPACE = addOnNamespace('cert-manager');
export const EXTERNAL_SECRETS_NAMESPACE = addOnNamespace('external-secrets');

/** Label on every stand-in, so a reader of the control plane sees what is not ours. */
const STAND_IN_LABEL = { 'agent-platform.io/test-stand-in': 'issuers' };
const ROOT_ISSUER = 'harness-selfsigned-root';
const ROOT_CA_SECRET = 'harness-root-ca';

/** Every environment, rendered in process by the model (stacks/render.ts). */
export async function renderAll(envs: readonly Environment[] = loadEnvironments()): Promise<RenderedEnvironment[]> {
  return Promise.all(envs.map(async (env) => ({ env, manifests: (await renderEnvironment(env)).map((f) => f.manifest) })));
}

interface RemoteRef {
  readonly key: string;
  readonly property?: string;
}

/** The remote references (key, property) of every ExternalSecret in `manifests`, by store. */
export function remoteRefsByStore(manifests: readonly Manifest[]): Map<string, RemoteRef[]> {
  const out = new Map<string, RemoteRef[]>();
  for (const m of manifests) {
    if (m.kind !== 'ExternalSecret') continue;
    const spec = m['spec'] as { secretStoreRef: { kind?: string; name: string }; data?: { remoteRef: RemoteRef }[]; dataFrom?: unknown[] };
    if (spec.dataFrom?.length) throw new Error(`ExternalSecret ${m.metadata.name}: dataFrom is not covered by the fake store stand-in; list its keys in spec.data`);
    const store = `${spec.secretStoreRef.kind ?? 'SecretStore'}/${spec.secretStoreRef.name}`;
    out.set(store, [...(out.get(store) ?? []), ...(spec.data ?? []).map((d) => d.remoteRef)]);
  }
  return out;
}

/**
 * A random secret value: 24 random bytes (base64url) followed by the characters a URL, a shell or a
 * template most often mishandles, so a template that forgets to escape a password shows up.
 */
export function randomSecretValue(): string {
  return `${randomBytes(24).toString('base64url')}+/ @:%?#&="'`;
}

/**
 * A fake-provider `data` list answering every reference: one JSON document per remote key whose
 * properties are random, or a random string for a key read whole.
 */
export function fakeStoreData(refs: readonly RemoteRef[], random: () => string = randomSecretValue): { key: string; value: string }[] {
  const byKey = new Map<string, Set<string> | undefined>();
  for (const r of refs) {
    if (r.property === undefined) {
      if (byKey.get(r.key)?.size) throw new Error(`remote key ${r.key} is read both whole and by property`);
      byKey.set(r.key, undefined);
    } else {
      if (byKey.has(r.key) && byKey.get(r.key) === undefined) throw new Error(`remote key ${r.key} is read both whole and by property`);
      byKey.set(r.key, new Set([...(byKey.get(r.key) ?? []), r.property]));
    }
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, props]) => ({
    key,
    value: props ? JSON.stringify(Object.fromEntries([...props].sort().map((p) => [p, random()]))) : random(),
  }));
}

/**
 * The stand-in objects for `rendered`: the root CA chain, one CA ClusterIssuer per ClusterIssuer
 * name the environments use, one fake store per store name (cluster-wide ones restricted to the
 * environments' namespaces, as stacks/gitops.ts restricts the real ones).
 */
export function issuerStandIns(rendered: readonly RenderedEnvironment[], random?: () => string): Manifest[] {
  const meta = (name: string, namespace?: string): Manifest['metadata'] => ({ name, ...(namespace ? { namespace } : {}), labels: { ...STAND_IN_LABEL } });
  const out: Manifest[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(CERT_MANAGER_NAMESPACE) },
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(EXTERNAL_SECRETS_NAMESPACE) },
    { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: meta(ROOT_ISSUER), spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(ROOT_CA_SECRET, CERT_MANAGER_NAMESPACE),
      spec: {
        isCA: true,
        commonName: 'agent-platform cluster harness root',
        secretName: ROOT_CA_SECRET,
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: ROOT_ISSUER },
      },
    },
  ];
  // A CA ClusterIssuer reads its key pair from cert-manager's cluster resource namespace.
  for (const name of [...new Set(rendered.map((r) => r.env.ingress.clusterIssuer))].sort()) {
    out.push({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: meta(name), spec: { ca: { secretName: ROOT_CA_SECRET } } });
  }
  const clusterStores = new Map<string, { namespaces: Set<string>; refs: RemoteRef[] }>();
  for (const { env, manifests } of rendered) {
    for (const [store, refs] of remoteRefsByStore(manifests)) {
      const [kind, name] = store.split('/') as [string, string];
      if (kind === 'SecretStore') {
        out.push({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: meta(name, env.namespace), spec: { provider: { fake: { data: fakeStoreData(refs, random) } } } });
        continue;
      }
      const seen = clusterStores.get(name) ?? { namespaces: new Set<string>(), refs: [] };
      seen.namespaces.add(env.namespace);
      seen.refs.push(...refs);
      clusterStores.set(name, seen);
    }
  }
  for (const [name, { namespaces, refs }] of [...clusterStores].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: meta(name),
      spec: { conditions: [{ namespaces: [...namespaces].sort() }], provider: { fake: { data: fakeStoreData(refs, random) } } },
    });
  }
  return out;
}

/** Runs kubectl against `target`; stdin is never echoed, so secret values in it stay unprinted. */
export function kubectl(target: KubeTarget, args: readonly string[], input?: string): string {
  if (target.kubectl) return target.kubectl(args, input);
  const bin = findBinary('kubectl');
  if (!bin) throw new Error('kubectl not found; build it with `npm run tools:build`');
  try {
    return execFileSync(bin, ['--kubeconfig', target.kubeconfig, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

/**
 * Installs `objects` replacing whatever holds their names: a stand-in must not merge with the
 * ACME issuer or AWS store of the cluster configuration if that was applied first.
 */
export function installReplacing(target: KubeTarget, objects: readonly Manifest[]): void {
  const text = objects.map((o) => yaml.dump(o, { noRefs: true })).join('---\n');
  kubectl(target, ['apply', '--server-side', '--force-conflicts', '--field-manager=harness-stand-ins', '-f', '-'], text);
  // Server-side apply keeps fields other managers own (an ACME `spec.acme` next to our `spec.ca`):
  // replace the issuers and stores so only the stand-in's spec remains.
  const replaced = objects.filter((o) => ['ClusterIssuer', 'ClusterSecretStore', 'SecretStore'].includes(o.kind));
  if (replaced.length) kubectl(target, ['replace', '-f', '-'], replaced.map((o) => yaml.dump(o, { noRefs: true })).join('---\n'));
}

/** A free TCP port on loopback (bound and released). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function startProcess(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(bin, args, { env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

async function stopProcess(p: ChildProcess, graceMs = 10_000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Waits for a condition on objects with kubectl's own wait (it reads `.status.conditions`). */
export function waitFor(target: KubeTarget, what: readonly string[], condition: string, timeoutSeconds: number, namespace?: string): void {
  if (what.length === 0) return;
  kubectl(target, ['wait', ...(namespace ? ['-n', namespace] : []), `--for=condition=${condition}`, `--timeout=${timeoutSeconds}s`, ...what]);
}

export interface StartIssuersOptions {
  /** Environments whose issuer and store names get stand-ins. @default every environment, rendered by the model */
  readonly rendered?: readonly RenderedEnvironment[];
  /** Seconds to wait for the stand-ins to become Ready. @default 120 */
  readonly timeoutSeconds?: number;
}

/**
 * Starts cert-manager's controllers and ESO's controller against `target` (leader election off,
 * metrics on free loopback ports, every namespace watched, as our environments need), installs the
 * stand-ins and waits until the issuers and stores report Ready. The CRDs must be installed
 * (test/cluster/control-plane.ts does). Returns a handle that stops both.
 */
export async function startIssuers(target: KubeTarget, options: StartIssuersOptions = {}): Promise<RunningIssuers> {
  const t0 = Date.now();
  const certManager = findBinary('cert-manager-controller');
  const eso = findBinary('external-secrets');
  if (!certManager || !eso) throw new Error('cert-manager-controller or external-secrets not built; run `npm run tools:build`');
  const rendered = options.rendered ?? (await renderAll());
  const timeout = options.timeoutSeconds ?? 120;
  const standIns = issuerStandIns(rendered);
  const dir = mkdtempSync(join(tmpdir(), 'harness-issuers-'));
  const logFile = join(dir, 'controllers.log');
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], KUBECONFIG: target.kubeconfig };
  const processes: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killAll);
    await Promise.all(processes.map((p) => stopProcess(p)));
    rmSync(dir, { recursive: true, force: true });
  };
  const killAll = (): void => processes.forEach((p) => p.kill('SIGKILL'));
  process.on('exit', killAll);
  const logs = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  try {
    // Namespaces first: cert-manager's CA issuers read their Secret from its cluster resource namespace.
    installReplacing(target, standIns.filter((o) => o.kind === 'Namespace'));
    processes.push(
      startProcess(certManager, ['--kubeconfig', target.kubeconfig, '--cluster-resource-namespace', CERT_MANAGER_NAMESPACE, '--metrics-listen-address', `127.0.0.1:${await freeLoopbackPort()}`], env, logFile),
      // ESO reads KUBECONFIG (controller-runtime's GetConfigOrDie); leader election is off by default.
      startProcess(eso, ['--metrics-addr', `127.0.0.1:${await freeLoopbackPort()}`, '--enable-leader-election=false', '--loglevel', 'info'], env, logFile),
    );
    installReplacing(target, standIns.filter((o) => o.kind !== 'Namespace'));
    const names = (kind: string): string[] => standIns.filter((o) => o.kind === kind && !o.metadata.namespace).map((o) => `${kind.toLowerCase()}/${o.metadata.name}`);
    waitFor(target, names('ClusterIssuer'), 'Ready', timeout);
    waitFor(target, names('ClusterSecretStore'), 'Ready', timeout);
    for (const s of standIns.filter((o) => o.kind === 'SecretStore')) waitFor(target, [`secretstore/${s.metadata.name}`], 'Ready', timeout, s.metadata.namespace);
    for (const p of processes) if (p.exitCode !== null) throw new Error(`${p.spawnfile} exited with ${p.exitCode}`);
  } catch (e) {
    const out = logs();
    await stop();
    throw new Error(`${(e as Error).message}\ncontroller output:\n${out.slice(-8000)}`);
  }
  return { stop, logs, standIns, readyMs: Date.now() - t0 };
}

/**
 * Argo CD syncs what we commit: the pinned application controller and repo server sync the root
 * Application from a `file://` copy of this checkout (./gitops-checkout.ts) into one control plane
 * per destination cluster (./control-plane.ts), each registered under the name the environments
 * give it (./connect-proxy.ts). Asserted: every Application reaches Synced and Healthy, later
 * waves only after earlier ones are Healthy; the init Jobs run as Sync hooks; each AppProject
 * permits exactly the kinds its Applications sync and refuses one outside its lists; in dev a
 * hand edit of a live object is undone by self-heal. Production syncs by hand, so the test syncs
 * its Applications as a person would once they appear.
 *
 * Without the binaries the suite is skipped with the reason; under CI=true it fails.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { BOOTSTRAP_FILES } from '../../stacks/gitops.ts';
import { CLUSTER_SCOPED_KINDS } from '../../kube/cluster-scoped.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { applications, describeApplications, requestSync, WaveRecorder, type ApplicationState } from './applications.ts';
import { startArgoCd, type ArgoCd, type Kubectl } from './argo-cd.ts';
import { CONTROL_PLANE_BINARIES, startControlPlane, type ControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { createGitOpsCheckout, type GitOpsCheckout, type StandIn } from './gitops-checkout.ts';
import { ISSUER_BINARIES, renderAll, startIssuers, type RunningIssuers } from './issuers.ts';
import { addOnNamespaces, provisionersOf, startStandInProvisioner } from './add-on-stand-ins.ts';
import { KubeApi } from './kube-api.ts';
import type { K8sObject } from '../../policies/types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const envs = loadEnvironments(join(ROOT, 'environments'));
/** Destination clusters by name, in the order their control planes start; Argo CD runs in the first. */
const clusters = [...new Map(envs.map((e) => [e.gitops.cluster.name, e.gitops.cluster.server])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const ROOT_APP = 'agent-platform-root';
/** How long every Application may take to become Synced and Healthy. */
const SETTLE_MS = 12 * 60_000;

interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

function manifestsIn(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => yaml.load(readFileSync(join(dir, f), 'utf8')) as Manifest);
}

const gk = (group: string | undefined, kind: string) => `${group ?? ''}/${kind}`;

describeWithBinaries('Argo CD syncs what we commit', ['argocd', 'redis-server', 'git', ...CONTROL_PLANE_BINARIES, ...ISSUER_BINARIES], 'run `npm run tools:build` (needs Go) and `apt-get install redis-server git`', (bin) => {
  let repo: GitOpsCheckout;
  let argo: ArgoCd | undefined;
  const issuers: RunningIssuers[] = [];
  const planes = new Map<string, ControlPlane>();
  const stopProvisioners: (() => Promise<void>)[] = [];
  const work = mkdtempSync(join(tmpdir(), 'argo-cd-harness-'));
  const waves = new WaveRecorder();
  let kubectl: Kubectl;
  let expected: Manifest[];
  let settled: Map<string, ApplicationState>;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = Date.now();
    for (const [name] of clusters) {
      const plane = await startControlPlane();
      planes.set(name, plane);
      installCrds(plane);
    }
    timings['control planes with CRDs'] = Date.now() - t;

    // cert-manager and External Secrets on each cluster, with stand-ins for the ACME issuers and
    // AWS stores under the names the environments reference (./issuers.ts); the copy Argo CD
    // syncs carries the same stand-ins in place of those objects of the cluster configuration.
    t = Date.now();
    const rendered = await renderAll(envs);
    const standIns: StandIn[] = [];
    for (const [name] of clusters) {
      const members = rendered.filter((r) => r.env.gitops.cluster.name === name);
      const running = await startIssuers(planes.get(name)!, { rendered: members });
      issuers.push(running);
      const referenced = new Set(members.flatMap((r) => [`ClusterIssuer/${r.env.ingress.clusterIssuer}`, `ClusterSecretStore/${r.env.secrets.store.name}`]));
      for (const o of running.standIns) if (referenced.has(`${o.kind}/${o.metadata.name}`)) standIns.push({ cluster: name, object: o });
    }
    timings['cert-manager and External Secrets ready'] = Date.now() - t;

    t = Date.now();
    repo = createGitOpsCheckout({ standIns });
    timings['repository copy and synth'] = Date.now() - t;

    // What the left-out add-ons would have made (./add-on-stand-ins.ts, as in the apply harness):
    // the namespaces their Applications create before our objects arrive, and the EBS CSI
    // driver's volumes, provisioned for each claim as the scheduler places its pod.
    const leftOutApps = repo.leftOut.map((l) => yaml.load(readFileSync(join(ROOT, l.file), 'utf8')) as K8sObject);
    for (const [name, server] of clusters) {
      const plane = planes.get(name)!;
      const namespaces = addOnNamespaces(leftOutApps, server, { applicationNamespaces: false });
      // --force-conflicts: issuers.ts already made cert-manager's and ESO's namespaces, labelled as its own stand-ins.
      plane.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=harness', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }));
      const api = new KubeApi(plane.kubeconfig);
      stopProvisioners.push(...provisionersOf(leftOutApps, server).map((p) => startStandInProvisioner(api, p)));
    }
    const home = planes.get(clusters[0]![0])!;
    kubectl = home.kubectl;
    t = Date.now();
    argo = await startArgoCd({
      binary: bin['argocd']!,
      redisServer: bin['redis-server']!,
      kubectl,
      kubeconfig: home.kubeconfig,
      destinations: clusters.map(([name, server]) => ({ name, server, kubeconfig: planes.get(name)!.kubeconfig })),
      workDir: join(work, 'argocd'),
    });
    timings['Argo CD start'] = Date.now() - t;

    // Bootstrap, README: apply the root Application (with its AppProject) once; it manages itself from then on.
    expected = manifestsIn(join(repo.dir, 'generated', 'argocd', 'root'));
    kubectl(['apply', '-n', 'argocd', ...BOOTSTRAP_FILES.flatMap((f) => ['-f', join(repo.dir, 'generated', f)])]);

    t = Date.now();
    const wanted = expected.filter((m) => m.kind === 'Application').map((m) => m.metadata.name);
    const synced = new Set<string>();
    for (;;) {
      const apps = applications(kubectl);
      waves.record(apps);
      for (const a of apps.values()) {
        // Production syncs by hand (gitops.sync.automated false): sync it once it appears, as a person would.
        if (!a.automated && !synced.has(a.name) && a.sync === 'OutOfSync' && a.operationPhase === undefined) {
          requestSync(kubectl, a.name);
          synced.add(a.name);
        }
      }
      const done = wanted.every((n) => apps.get(n)?.sync === 'Synced' && apps.get(n)?.health === 'Healthy');
      if (done) {
        settled = apps;
        break;
      }
      if (Date.now() - t > SETTLE_MS) {
        settled = apps;
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    timings['root to every Application Synced and Healthy'] = Date.now() - t;
    process.stderr.write(`argo-cd harness timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join('; ')}\n`);
    process.stderr.write(`left out of the synced copy: ${repo.leftOut.map((l) => `${l.file} (${l.reason})`).join('; ')}\n`);
  }, 25 * 60_000);

  afterAll(async () => {
    await argo?.stop();
    await Promise.all(stopProvisioners.map((stop) => stop()));
    for (const i of issuers) await i.stop();
    for (const p of planes.values()) await p.stop();
    repo?.remove();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('brings every Application of the root to Synced and Healthy', () => {
    const wanted = expected.filter((m) => m.kind === 'Application').map((m) => m.metadata.name).sort();
    const bad = wanted.filter((n) => settled.get(n)?.sync !== 'Synced' || settled.get(n)?.health !== 'Healthy');
    expect(bad, `not Synced and Healthy:\n${describeApplications(settled)}\n(logs in ${argo?.logDir})`).toEqual([]);
    for (const e of envs) expect(wanted).toContain(`agent-platform-${e.name}`);
  });

  it('creates each wave only after the earlier waves are Healthy', () => {
    expect(waves.violations(new Set([ROOT_APP]))).toEqual([]);
    // The order is not vacuous: the environments come in a later wave than their cluster's configuration.
    for (const e of envs) expect(waves.waves.get(`agent-platform-${e.name}`)!).toBeGreaterThan(waves.waves.get(`cluster-config-${e.gitops.cluster.name}`)!);
  });

  it("runs each environment's init Jobs as Sync hooks, and they succeed", () => {
    for (const e of envs) {
      const hooks = manifestsIn(join(repo.dir, 'generated', e.name)).filter((m) => m.metadata.annotations?.['argocd.argoproj.io/hook']);
      expect(hooks.length, `${e.name} renders hooks`).toBeGreaterThan(0);
      const target = planes.get(e.gitops.cluster.name)!;
      for (const h of hooks) {
        // A later self-heal is a selective sync without hooks, so the hook is read where it ran:
        // the Job Argo CD created (its field manager) and that completed.
        const job = JSON.parse(target.kubectl(['get', 'job', h.metadata.name, '-n', e.namespace, '-o', 'json', '--show-managed-fields'])) as {
          metadata: { annotations?: Record<string, string>; managedFields?: { manager: string }[] };
          status?: { conditions?: { type: string; status: string }[] };
        };
        expect(job.metadata.annotations?.['argocd.argoproj.io/hook'], `${e.name}: ${h.metadata.name}`).toBe(h.metadata.annotations!['argocd.argoproj.io/hook']);
        expect(job.metadata.managedFields?.map((f) => f.manager), `${e.name}: ${h.metadata.name} created by Argo CD`).toContain('argocd-controller');
        expect(job.status?.conditions?.find((c) => c.type === 'Complete')?.status, `${e.name}: ${h.metadata.name} complete`).toBe('True');
        const r = settled.get(`agent-platform-${e.name}`)!.syncResult.find((x) => x.kind === h.kind && x.name === h.metadata.name);
        if (r) expect({ hookType: r.hookType, hookPhase: r.hookPhase }).toEqual({ hookType: h.metadata.annotations!['argocd.argoproj.io/hook'], hookPhase: 'Succeeded' });
      }
    }
  });

  it('lets each AppProject permit exactly the kinds its Applications sync', () => {
    for (const p of expected.filter((m) => m.kind === 'AppProject')) {
      const spec = p.spec as { clusterResourceWhitelist?: { group: string; kind: string }[]; namespaceResourceWhitelist?: { group: string; kind: string }[] };
      // What Argo CD tracks plus the hooks of the last sync (hooks are not tracked resources).
      const resources = [...settled.values()].filter((a) => a.project === p.metadata.name).flatMap((a) => [...a.resources, ...a.syncResult]);
      const cluster = new Set(resources.filter((r) => CLUSTER_SCOPED_KINDS.has(r.kind)).map((r) => gk(r.group, r.kind)));
      const namespaced = new Set(resources.filter((r) => !CLUSTER_SCOPED_KINDS.has(r.kind)).map((r) => gk(r.group, r.kind)));
      // Argo CD: no cluster list permits no cluster-scoped kind; no namespace list permits every namespaced kind.
      const clusterPermitted = new Set((spec.clusterResourceWhitelist ?? []).map((r) => gk(r.group, r.kind)));
      // `*` matches any group or kind, as in Argo CD's lists.
      const permits = (list: ReadonlySet<string>, k: string) => [...list].some((e) => { const [g, kind] = e.split('/'); const [kg, kk] = k.split('/'); return (g === '*' || g === kg) && (kind === '*' || kind === kk); });
      for (const k of cluster) expect(permits(clusterPermitted, k), `${p.metadata.name} syncs ${k}`).toBe(true);
      if (spec.namespaceResourceWhitelist) {
        const namespacePermitted = new Set(spec.namespaceResourceWhitelist.map((r) => gk(r.group, r.kind)));
        for (const k of namespaced) expect(permits(namespacePermitted, k), `${p.metadata.name} syncs ${k}`).toBe(true);
        if (p.metadata.name !== 'platform-add-ons') expect([...namespacePermitted].sort(), `${p.metadata.name} permits only the namespaced kinds it syncs`).toEqual([...namespaced].sort());
      }
      // The add-ons' project also lists what their (left out) charts install; the others only what is synced.
      if (p.metadata.name !== 'platform-add-ons') expect([...clusterPermitted].sort(), `${p.metadata.name} permits only the cluster kinds it syncs`).toEqual([...cluster].sort());
    }
  });

  it('refuses a kind outside the AppProject lists, and nothing of it reaches the cluster', async () => {
    const dev = envs.find((e) => !e.production && e.gitops.sync.automated)!;
    const branch = repo.branch('harness-forbidden', {
      'harness/forbidden/clusterrole.yaml': yaml.dump({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'harness-forbidden' }, rules: [] }),
    });
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'harness-forbidden', namespace: 'argocd' },
      spec: {
        project: 'agent-platform',
        source: { repoURL: repo.repoURL, targetRevision: branch, path: 'harness/forbidden' },
        destination: { server: dev.gitops.cluster.server, namespace: dev.namespace },
      },
    };
    kubectl(['apply', '-f', '-'], JSON.stringify(app));
    requestSync(kubectl, 'harness-forbidden');
    let state: ApplicationState | undefined;
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      state = applications(kubectl).get('harness-forbidden');
      if (state?.operationPhase === 'Failed' || state?.operationPhase === 'Error' || state?.operationPhase === 'Succeeded') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const said = [state?.operationMessage, ...(state?.conditions ?? []).map((c) => c.message), ...(state?.syncResult ?? []).map((r) => r.message)].join('\n');
    expect(state?.operationPhase, said).not.toBe('Succeeded');
    expect(said).toMatch(/ClusterRole.*not permitted in project agent-platform|not permitted in project agent-platform.*ClusterRole/s);
    const target = planes.get(dev.gitops.cluster.name)!;
    expect(() => target.kubectl(['get', 'clusterrole', 'harness-forbidden'])).toThrow(/NotFound|not found/);
    kubectl(['delete', 'applications.argoproj.io', 'harness-forbidden', '-n', 'argocd', '--wait=false']);
  }, 180_000);

  it('reverts a hand edit of a live object in dev (self-heal)', async () => {
    const dev = envs.find((e) => !e.production && e.gitops.sync.automated && e.gitops.sync.selfHeal)!;
    const cm = manifestsIn(join(repo.dir, 'generated', dev.name)).find((m) => m.kind === 'ConfigMap' && (m as { data?: Record<string, string> }).data)!;
    const data = (cm as unknown as { data: Record<string, string> }).data;
    const key = Object.keys(data).sort()[0]!;
    const target = planes.get(dev.gitops.cluster.name)!;
    target.kubectl(['patch', 'configmap', cm.metadata.name, '-n', dev.namespace, '--type', 'merge', '-p', JSON.stringify({ data: { [key]: 'edited by hand' } })]);
    const live = () => (JSON.parse(target.kubectl(['get', 'configmap', cm.metadata.name, '-n', dev.namespace, '-o', 'json'])) as { data: Record<string, string> }).data[key];
    expect(live()).toBe('edited by hand');
    const end = Date.now() + 120_000;
    while (Date.now() < end && live() !== data[key]) await new Promise((r) => setTimeout(r, 1000));
    expect(live(), `ConfigMap ${dev.namespace}/${cm.metadata.name} key ${key} after self-heal`).toBe(data[key]);
  }, 180_000);
});

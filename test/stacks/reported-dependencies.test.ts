import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Connections } from '../../constructs/connections.ts';
import { k8s } from '../../constructs/k8s.ts';
import { Relations } from '../../constructs/relations.ts';
import { ENVIRONMENTS_DIR, environmentNames, loadEnvironment } from '../../environments/load.ts';
import type { Manifest } from '../../kube/object.ts';
import { LONG_RUNNING_KINDS, podTemplateOf } from '../../kube/pod-template.ts';
import { producedBy } from '../../kube/produced.ts';
import { credentialsOf, secretKeysOf } from '../../policies/credentials.ts';
import { chartObjects, renderEnvironment } from '../../stacks/render.ts';
import { SYNC_WAVE_ANNOTATION, syncWaves } from '../../stacks/sync-waves.ts';
import { testChart } from '../support/charts.ts';

/** A workload construct: a Deployment, its Service and Connections, like the platform's. */
function workload(scope: Construct, name: string): Construct & { connections: Connections } {
  const c = new Construct(scope, name);
  const labels = { app: name };
  new k8s.KubeDeployment(c, 'deployment', {
    metadata: { name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: 'x' }] } } },
  });
  new k8s.KubeService(c, 'service', { metadata: { name }, spec: { selector: labels, ports: [{ port: 80 }] } });
  return Object.assign(c, { connections: new Connections(c, { name, component: name, podSelector: labels, defaultPorts: [{ port: 80 }] }) });
}

const named = (ds: { from: Manifest; to: Manifest; reason: string }[]) => ds.map((d) => `${d.from.kind} ${d.from.metadata.name} -> ${d.to.kind} ${d.to.metadata.name}: ${d.reason}`);

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Labels of the pods each object runs: its pod template's, or those its operator gives them. */
function podLabels(m: Manifest): Record<string, string>[] {
  const template = podTemplateOf(m);
  return template ? [template.labels] : producedBy(m).pods.map((p) => p.labels);
}

/** Every pair of workloads a NetworkPolicy lets connect inside the namespace (from the policy's pods to a peer's pods). */
function connectionPairs(manifests: readonly Manifest[]): [client: Manifest, server: Manifest][] {
  const workloads = manifests.filter((m) => podLabels(m).length > 0);
  const runs = (selector: Record<string, string>) => workloads.filter((w) => podLabels(w).some((l) => matches(selector, l)));
  const pairs: [Manifest, Manifest][] = [];
  for (const p of manifests.filter((m) => m.kind === 'NetworkPolicy')) {
    const spec = p['spec'] as { podSelector: { matchLabels?: Record<string, string> }; egress?: { to?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown }[] }[] };
    for (const rule of spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (peer.namespaceSelector || !peer.podSelector?.matchLabels) continue;
        for (const client of runs(spec.podSelector.matchLabels ?? {})) {
          for (const server of runs(peer.podSelector.matchLabels)) if (client !== server) pairs.push([client, server]);
        }
      }
    }
  }
  return pairs;
}

/**
 * Every connection a NetworkPolicy allows inside the namespace whose client does not start in a
 * later wave than the workload serving it. Connections both ways (Prometheus scrapes Grafana,
 * Grafana queries Prometheus) are a cycle and are not reported.
 */
function unorderedConnections(manifests: readonly Manifest[], waveOf: (m: Manifest) => number): string[] {
  const pairs = connectionPairs(manifests);
  const mutual = (c: Manifest, s: Manifest) => pairs.some(([a, b]) => a === s && b === c);
  return pairs
    .filter(([c, s]) => !mutual(c, s) && waveOf(c) <= waveOf(s))
    .map(([c, s]) => `${c.kind} ${c.metadata.name} (wave ${waveOf(c)}) connects to ${s.kind} ${s.metadata.name} (wave ${waveOf(s)})`);
}

describe('reported dependencies', () => {
  it('make every workload of a client wait for the workloads and Services of what it connects to', () => {
    const chart = testChart();
    const api = workload(chart, 'api');
    const db = workload(chart, 'db');
    api.connections.allowTo(db);
    expect(named(chartObjects(chart).dependencies)).toEqual(['Deployment api -> Deployment db: connects to db', 'Deployment api -> Service db: connects to db']);
  });

  it('leave out what a party nested in the server owns (the exporter inside a store), and let the nested party wait for its parent', () => {
    const chart = testChart();
    const api = workload(chart, 'api');
    const store = workload(chart, 'store');
    const exporter = workload(store, 'store-exporter');
    api.connections.allowTo(store);
    exporter.connections.allowTo(store);
    expect(named(chartObjects(chart).dependencies)).toEqual([
      'Deployment api -> Deployment store: connects to store',
      'Deployment api -> Service store: connects to store',
      'Deployment store-exporter -> Deployment store: connects to store',
      'Deployment store-exporter -> Service store: connects to store',
    ]);
  });

  it('carry relations reported without a connection (a client of what an init Job creates)', () => {
    const chart = testChart();
    const api = workload(chart, 'api');
    const init = workload(chart, 'init');
    Relations.of(chart).needs(api, init, 'signs in as a user init creates');
    expect(named(chartObjects(chart).dependencies)).toContain('Deployment api -> Deployment init: signs in as a user init creates');
  });

  it('order a client after its server, and the check below finds the client that is not when the relation is missing', () => {
    const chart = testChart();
    const api = workload(chart, 'api');
    const db = workload(chart, 'db');
    api.connections.allowTo(db);
    const { manifests, dependencies } = chartObjects(chart);
    const reported = syncWaves(manifests, dependencies);
    expect(unorderedConnections(manifests, (m) => reported.get(m)!)).toEqual([]);
    const unreported = syncWaves(manifests);
    expect(unorderedConnections(manifests, (m) => unreported.get(m)!)).toEqual(['Deployment api (wave 0) connects to Deployment db (wave 0)']);
  });
});

/**
 * Every long-running workload that reads a stored credential an init Job sets (the Job creates the
 * user; the workload signs in as it) and does not start after the Job. The store the Job
 * initialises reads the superuser's password too, but the Job connects to it and waits for it.
 */
function unorderedInitClients(manifests: readonly Manifest[], waveOf: (m: Manifest) => number): string[] {
  const index = secretKeysOf(manifests);
  const pairs = connectionPairs(manifests);
  const longRunning = manifests.filter((m) => LONG_RUNNING_KINDS.includes(m.kind));
  const out: string[] = [];
  for (const job of manifests.filter((m) => m.kind === 'Job')) {
    const sets = credentialsOf(job, index);
    for (const w of longRunning) {
      const shared = [...credentialsOf(w, index)].filter((c) => sets.has(c));
      if (shared.length === 0 || pairs.some(([c, s]) => c === job && s === w) || waveOf(w) > waveOf(job)) continue;
      out.push(`${w.kind} ${w.metadata.name} (wave ${waveOf(w)}) reads ${shared.join(', ')}, which Job ${job.metadata.name} (wave ${waveOf(job)}) sets`);
    }
  }
  return out;
}

describe.each(environmentNames())('sync waves of %s', (name) => {
  const rendered = renderEnvironment(loadEnvironment(ENVIRONMENTS_DIR, name)).then((files) => files.map((f) => f.manifest));
  const waveOf = (m: Manifest) => Number((m.metadata['annotations'] as Record<string, string>)[SYNC_WAVE_ANNOTATION]);

  it('start every workload after every workload it connects to in its namespace', async () => {
    const manifests = await rendered;
    expect(manifests.some((m) => m.kind === 'NetworkPolicy')).toBe(true);
    expect(unorderedConnections(manifests, waveOf)).toEqual([]);
  });

  it('start every workload that signs in as a user an init Job creates after that Job', async () => {
    const manifests = await rendered;
    expect(manifests.some((m) => m.kind === 'Job')).toBe(true);
    expect(unorderedInitClients(manifests, waveOf)).toEqual([]);
  });
});

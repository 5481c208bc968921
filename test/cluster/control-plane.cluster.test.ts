/**
 * The control plane every cluster test builds on does what those tests assume: nodes are Ready
 * and labelled for the topology spreads, kwok makes Deployment pods Running and Ready and Job
 * pods Succeeded, Pod Security admission enforces a namespace's label, strict field validation
 * rejects an unknown field, and the add-ons' CRDs serve every custom kind generated/ uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KUBERNETES_RELEASE } from '../../tools/go-tools/pins.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { CONTROL_PLANE_BINARIES, type ControlPlane, serverVersion, startControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';

const GENERATED = join(import.meta.dirname, '..', '..', 'generated');

/** A pod template that the `restricted` Pod Security Standard admits. */
const restrictedPod = (name: string): Record<string, unknown> => ({
  metadata: { labels: { app: name } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'main',
      image: 'registry.invalid/harness-check:1',
      ports: [{ name: 'http', containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
  },
});

const json = (o: unknown): string => JSON.stringify(o);

/** `apiVersion kind` of every object in generated/. */
function usedKinds(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.yaml')) {
        for (const o of yaml.loadAll(readFileSync(p, 'utf8')) as { apiVersion?: string; kind?: string }[]) {
          if (o?.apiVersion && o.kind) out.add(`${o.apiVersion} ${o.kind}`);
        }
      }
    }
  };
  walk(GENERATED);
  return out;
}

describeWithBinaries('the control plane of the cluster tests', [...CONTROL_PLANE_BINARIES, 'go', 'openssl'], 'build them with `npm run tools:build` (Go 1.26 and openssl needed)', () => {
  let plane: ControlPlane;
  let crds: string[];

  beforeAll(async () => {
    plane = await startControlPlane();
    console.log(`control plane up in ${(plane.startupMs / 1000).toFixed(1)}s (${plane.dir})`);
    const t0 = Date.now();
    crds = installCrds(plane);
    console.log(`${crds.length} CRDs installed and Established in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  });

  afterAll(async () => {
    await plane?.stop();
  });

  it('runs the Kubernetes release the output targets', () => {
    expect(serverVersion(plane)).toBe(KUBERNETES_RELEASE);
  });

  it('has Ready nodes spread over zones, labelled as the workloads\' spreads and affinities read them', () => {
    const nodes = JSON.parse(plane.kubectl(['get', 'nodes', '-o', 'json'])) as { items: { metadata: { name: string; labels: Record<string, string> }; status: { conditions: { type: string; status: string }[] } }[] };
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([...plane.nodes].sort());
    for (const n of nodes.items) {
      expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(n.metadata.labels['kubernetes.io/hostname']).toBe(n.metadata.name);
      expect(n.metadata.labels['kubernetes.io/arch']).toBe('amd64');
      expect(n.metadata.labels['kubernetes.io/os']).toBe('linux');
    }
    expect(new Set(nodes.items.map((n) => n.metadata.labels['topology.kubernetes.io/zone'])).size).toBeGreaterThan(1);
  });

  it('schedules a Deployment across nodes, and kwok makes its pods Running and Ready behind EndpointSlices', () => {
    plane.kubectl(['create', 'namespace', 'rollout']);
    plane.kubectl(['apply', '--server-side', '-f', '-'], json({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'rollout' },
      spec: {
        replicas: 3, selector: { matchLabels: { app: 'web' } },
        template: { ...restrictedPod('web'), spec: { ...(restrictedPod('web')['spec'] as object), topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] } },
      },
    }));
    plane.kubectl(['apply', '--server-side', '-f', '-'], json({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'rollout' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }));
    plane.kubectl(['-n', 'rollout', 'rollout', 'status', 'deployment/web', '--timeout=180s']);
    const pods = JSON.parse(plane.kubectl(['-n', 'rollout', 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: { spec: { nodeName: string }; status: { phase: string; podIP?: string; conditions: { type: string; status: string }[] } }[] };
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) {
      expect(p.status.phase).toBe('Running');
      expect(p.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(p.status.podIP).toMatch(/^10\.244\./);
    }
    expect(new Set(pods.items.map((p) => p.spec.nodeName)).size).toBe(3);
    // The EndpointSlice controller turns the Ready pods into endpoints on the declared port.
    let ready = 0;
    for (let i = 0; i < 60 && ready < 3; i++) {
      const slices = JSON.parse(plane.kubectl(['-n', 'rollout', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: { endpoints?: { conditions: { ready?: boolean } }[]; ports?: { name: string; port: number }[] }[] };
      ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions.ready).length;
      if (ready === 3) expect(slices.items[0]!.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080 })]);
      else execSleep(1);
    }
    expect(ready).toBe(3);
  });

  it('runs a Job to completion: kwok makes its pod Succeeded and the Job controller marks it Complete', () => {
    plane.kubectl(['create', 'namespace', 'jobs']);
    plane.kubectl(['apply', '--server-side', '-f', '-'], json({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'jobs' },
      spec: { backoffLimit: 0, template: { ...restrictedPod('once'), spec: { ...(restrictedPod('once')['spec'] as object), restartPolicy: 'Never' } } },
    }));
    plane.kubectl(['-n', 'jobs', 'wait', '--for=condition=Complete', 'job/once', '--timeout=180s']);
    const phases = plane.kubectl(['-n', 'jobs', 'get', 'pods', '-l', 'job-name=once', '-o', 'jsonpath={.items[*].status.phase}']);
    expect(phases.trim()).toBe('Succeeded');
  });

  it('enforces a namespace\'s Pod Security label: a pod running as root is refused under restricted, admitted under baseline', () => {
    const rootPod = (ns: string): string => json({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'as-root', namespace: ns }, spec: { containers: [{ name: 'main', image: 'registry.invalid/harness-check:1' }] } });
    plane.kubectl(['apply', '--server-side', '-f', '-'], json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'restricted', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }));
    plane.kubectl(['apply', '--server-side', '-f', '-'], json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'baseline', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }));
    const refused = plane.tryKubectl(['apply', '--server-side', '-f', '-'], rootPod('restricted'));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('violates PodSecurity "restricted:latest"');
    expect(refused.stderr).toContain('runAsNonRoot != true');
    expect(plane.tryKubectl(['apply', '--server-side', '-f', '-'], rootPod('baseline')).status).toBe(0);
    // The compliant template used above is admitted where the root pod is not.
    expect(plane.tryKubectl(['apply', '--server-side', '-f', '-'], json({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'compliant', namespace: 'restricted' }, ...restrictedPod('compliant') })).status).toBe(0);
  });

  it('rejects an unknown field under strict field validation, which the same object without it passes', () => {
    const configMap = (extra: Record<string, unknown>): string => json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict', namespace: 'default' }, data: { a: 'b' }, ...extra });
    const rejected = plane.tryKubectl(['apply', '--server-side', '--validate=strict', '-f', '-'], configMap({ spec: { replicas: 1 } }));
    expect(rejected.status).not.toBe(0);
    expect(rejected.stderr).toMatch(/unknown field "spec"/);
    expect(plane.tryKubectl(['apply', '--server-side', '--validate=strict', '-f', '-'], configMap({})).status).toBe(0);
  });

  it('has every installed CRD Established, and serves every kind generated/ uses (built-in or custom)', () => {
    expect(crds.length).toBeGreaterThan(0);
    for (const name of crds) {
      expect(plane.kubectl(['get', 'crd', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']), name).toBe('True');
    }
    const served = new Set(plane.kubectl(['api-resources', '--no-headers', '-o', 'wide']).split('\n').filter(Boolean).map((line) => {
      const cols = line.trim().split(/\s+/);
      // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...: APIVERSION is the column before true/false.
      const i = cols.findIndex((c) => c === 'true' || c === 'false');
      return `${cols[i - 1]} ${cols[i + 1]}`;
    }));
    const used = [...usedKinds()];
    expect(used).toContain('external-secrets.io/v1 ExternalSecret');
    expect(used.filter((k) => !served.has(k))).toEqual([]);
  });
});

/** Blocks for `s` seconds (the kubectl helpers are synchronous; so is this loop). */
function execSleep(s: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s * 1000);
}

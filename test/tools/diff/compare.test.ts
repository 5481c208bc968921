import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../../environments/load.ts';
import { renderEnvironment } from '../../../stacks/render.ts';
import { REDACTED, compareRenderings, diffValues, type Json, type JsonObject, type Resource } from '../../../tools/diff/compare.ts';
import { fromRenderedFiles } from '../../../tools/diff/rendering.ts';
import { buildReport, exitCodeOf, formatMarkdown, formatText } from '../../../tools/diff/report.ts';

const NS = 'agent-platform-prod';
const PRODUCTION = new Set(['prod']);

/** A StatefulSet with its PVC, as the data tier renders them, to delete and shrink. */
function dataTier(): Resource[] {
  const sts: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'agent-redis', namespace: NS },
    spec: {
      serviceName: 'agent-redis',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'agent-redis' } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': 'agent-redis' } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2.5', resources: { requests: { cpu: '100m', memory: '256Mi' } } }] } },
    },
  };
  const pvc: JsonObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'agent-backups', namespace: NS },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '20Gi' } } },
  };
  return [sts, pvc].map((body) => ({ env: 'prod', apiVersion: String(body['apiVersion']), kind: String(body['kind']), namespace: NS, name: String((body['metadata'] as JsonObject)['name']), body }));
}

let base: Resource[];

beforeAll(async () => {
  const [prod] = loadEnvironments(join(import.meta.dirname, '..', '..', '..', 'environments'), ['prod']);
  // The app tier only, so the figures below do not move when other tiers grow.
  const appTier = new Set(['agent-api', 'agent-worker', 'agent-service-settings', 'agent-service-secrets', 'agent-api-response-headers', 'default-deny', NS]);
  base = [...fromRenderedFiles(await renderEnvironment(prod!)).filter((r) => appTier.has(r.name)), ...dataTier()];
});

/** `base` with one object edited (its file text dropped, so it is compared field by field). */
function edit(kind: string, name: string, change: (body: any) => void): Resource[] {
  return base.map((r) => {
    if (r.kind !== kind || r.name !== name) return r;
    const body = structuredClone(r.body);
    change(body);
    return { env: r.env, apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name, body };
  });
}

const report = (after: Resource[]) => buildReport({ label: 'main', resources: base }, { label: 'branch', resources: after }, PRODUCTION);
const apiContainer = (body: any) => body.spec.template.spec.containers.find((c: { name: string }) => c.name === 'api');

describe('the review diff', () => {
  it('finds nothing between a rendering and itself', () => {
    const r = report(base);
    expect(r.diffs).toEqual([]);
    expect(exitCodeOf(r)).toBe(0);
    expect(formatText(r)).toContain('no changes');
  });

  it('a lower HPA minimum in prod: the field, weakened availability, and the capacity change', () => {
    const r = report(edit('HorizontalPodAutoscaler', 'agent-api', (b) => (b.spec.minReplicas = 2)));
    expect(r.diffs).toHaveLength(1);
    expect(r.diffs[0]!.fields.map((f) => [f.path, f.old, f.new])).toEqual([['spec.minReplicas', 3, 2]]);
    expect(r.risks.map((x) => `${x.severity}: ${x.message}`)).toEqual([
      'weakened: spec.minReplicas 3 → 2: fewer replicas',
      'capacity: requested CPU (cores) 2.6–8.1 → 2.1–8.1, memory 5.25Gi–16.25Gi → 4.25Gi–16.25Gi (at HPA minimum–maximum)',
    ]);
    expect(exitCodeOf(r)).toBe(2);
  });

  it('a lower HPA maximum in prod is less headroom', () => {
    const r = report(edit('HorizontalPodAutoscaler', 'agent-api', (b) => (b.spec.maxReplicas = 6)));
    expect(r.risks.map((x) => `${x.severity}: ${x.message}`)[0]).toBe('weakened: spec.maxReplicas 10 → 6: less headroom under load');
  });

  it('does not redact what merely contains "pass"', () => {
    const cm = (v: string): Resource => ({ env: 'e', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c', body: { data: { 'ssl-passthrough': v, DB_PASS: v } } });
    const fields = compareRenderings([cm('a')], [cm('b')]).flatMap((d) => d.fields.map((f) => [f.path, f.new]));
    expect(fields).toEqual([['data.DB_PASS', REDACTED], ['data.ssl-passthrough', 'b']]);
  });

  it('a replica change on a workload without an HPA changes capacity but restarts nothing', () => {
    const r = report(edit('StatefulSet', 'agent-redis', (b) => (b.spec.replicas = 3)));
    expect(r.diffs[0]!.fields.map((f) => f.path)).toEqual(['spec.replicas']);
    expect(r.risks.map((x) => x.severity)).toEqual(['capacity']);
    expect(exitCodeOf(r)).toBe(1);
  });

  it('an image bump restarts the pods of that workload, and says so per workload', () => {
    const r = report(edit('Deployment', 'agent-api', (b) => (apiContainer(b).image = 'registry.example.com/agent-platform/multi-agent-service:1.9.0')));
    expect(r.diffs[0]!.fields.map((f) => f.path)).toEqual(['spec.template.spec.containers[api].image']);
    expect(r.risks).toEqual([
      { severity: 'restart', env: 'prod', subject: `Deployment ${NS}/agent-api`, message: 'pods restart (rolling update): spec.containers[api].image' },
    ]);
    expect(exitCodeOf(r)).toBe(1);
  });

  it('a selector change is flagged as immutable, before everything else', () => {
    const r = report(
      edit('Deployment', 'agent-api', (b) => {
        b.spec.selector.matchLabels['app.kubernetes.io/version'] = '2';
        b.spec.template.metadata.labels['app.kubernetes.io/version'] = '2';
      }),
    );
    expect(r.risks.map((x) => x.severity)).toEqual(['immutable', 'restart']);
    expect(r.risks[0]!.message).toBe('spec.selector changed: selectors are immutable; the object must be deleted and recreated');
    expect(exitCodeOf(r)).toBe(2);
  });

  it('a PVC shrink is flagged as immutable; growing it is not', () => {
    const shrink = report(edit('PersistentVolumeClaim', 'agent-backups', (b) => (b.spec.resources.requests.storage = '10Gi')));
    expect(shrink.risks.map((x) => `${x.severity}: ${x.message}`)).toEqual(['immutable: storage 20Gi → 10Gi: a PVC cannot shrink']);
    const grow = report(edit('PersistentVolumeClaim', 'agent-backups', (b) => (b.spec.resources.requests.storage = '40Gi')));
    expect(grow.risks).toEqual([]);
    expect(exitCodeOf(grow)).toBe(1);
  });

  it('a deleted StatefulSet is flagged as a deletion of data', () => {
    const r = report(base.filter((x) => x.kind !== 'StatefulSet'));
    expect(r.diffs.map((d) => `${d.change} ${d.kind} ${d.name}`)).toEqual(['removed StatefulSet agent-redis']);
    expect(r.risks.map((x) => `${x.severity}: ${x.subject}: ${x.message}`)).toEqual([
      `deletion: StatefulSet ${NS}/agent-redis: StatefulSet deleted, with its data unless retained`,
      'capacity: prod: requested CPU (cores) 2.6–8.1 → 2.5–8, memory 5.25Gi–16.25Gi → 5Gi–16Gi (at HPA minimum–maximum)',
    ]);
    expect(exitCodeOf(r)).toBe(2);
  });

  it('deleting the namespace or a backup CronJob is flagged; deleting a ConfigMap is not', () => {
    const cron: Resource = {
      env: 'prod', apiVersion: 'batch/v1', kind: 'CronJob', namespace: NS, name: 'postgres-backup',
      body: { metadata: { name: 'postgres-backup', labels: { 'app.kubernetes.io/component': 'backup' } } },
    };
    const r = buildReport({ label: 'a', resources: [...base, cron] }, { label: 'b', resources: base.filter((x) => x.kind !== 'Namespace' && x.name !== 'agent-api-response-headers') }, PRODUCTION);
    expect(r.risks.filter((x) => x.severity === 'deletion').map((x) => `${x.subject}: ${x.message}`)).toEqual([
      `CronJob ${NS}/postgres-backup: CronJob deleted (backups stop)`,
      `Namespace ${NS}: namespace deleted, with everything in it`,
    ]);
  });

  it('an added env var shows its path and value, and a secret-named literal is redacted', () => {
    const r = report(
      edit('Deployment', 'agent-api', (b) => {
        apiContainer(b).env.push({ name: 'FEATURE_MEMORY_V2', value: 'true' }, { name: 'REDIS_PASSWORD', value: 'hunter2' });
      }),
    );
    const fields = r.diffs[0]!.fields.map((f) => [f.path, f.old, f.new]);
    expect(fields).toEqual([
      ['spec.template.spec.containers[api].env[FEATURE_MEMORY_V2]', undefined, { name: 'FEATURE_MEMORY_V2', value: 'true' }],
      ['spec.template.spec.containers[api].env[REDIS_PASSWORD]', undefined, { name: 'REDIS_PASSWORD', value: REDACTED }],
    ]);
    expect(formatText(r)).not.toContain('hunter2');
    expect(formatMarkdown(r)).not.toContain('hunter2');
    expect(r.risks.map((x) => x.severity)).toEqual(['restart']);
  });

  it('a reordered list of named things is not a change', () => {
    const r = report(
      edit('Deployment', 'agent-api', (b) => {
        apiContainer(b).env.reverse();
        b.spec.template.spec.volumes?.reverse();
      }),
    );
    expect(r.diffs).toEqual([]);
  });

  it('a reordered command is a change: order matters there', () => {
    expect(diffValues({ command: ['python', '-m', 'x'] }, { command: ['-m', 'python', 'x'] }).map((f) => f.path)).toEqual(['command']);
  });

  it('prod-only rules: removing a probe or a NetworkPolicy weakens prod, not dev', () => {
    const noProbe = report(edit('Deployment', 'agent-api', (b) => delete apiContainer(b).readinessProbe));
    expect(noProbe.risks.map((x) => `${x.severity}: ${x.message}`)).toContain('weakened: api.readinessProbe removed: failures go undetected');
    const noPolicy = report(base.filter((x) => !(x.kind === 'NetworkPolicy' && x.name === 'default-deny')));
    expect(noPolicy.risks.map((x) => `${x.severity}: ${x.message}`)).toEqual(['weakened: NetworkPolicy removed: traffic it denied is now allowed']);
    const devOnly = buildReport(
      { label: 'a', resources: base.map((x) => ({ ...x, env: 'dev' })) },
      { label: 'b', resources: base.filter((x) => !(x.kind === 'NetworkPolicy' && x.name === 'default-deny')).map((x) => ({ ...x, env: 'dev' })) },
      PRODUCTION,
    );
    expect(devOnly.risks).toEqual([]);
  });

  it('passwords embedded in URLs never reach the output', () => {
    const changes = compareRenderings(
      [{ env: 'e', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c', body: { data: { URL: 'postgresql://app:old-pw@db:5432/app' } } }],
      [{ env: 'e', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c', body: { data: { URL: 'postgresql://app:new-pw@db:5432/app' } } }],
    );
    expect(changes[0]!.fields.map((f) => [f.old, f.new])).toEqual([[`postgresql://app:${REDACTED}@db:5432/app`, `postgresql://app:${REDACTED}@db:5432/app`]]);
  });

  it('Secret data is redacted whole', () => {
    const secret = (v: Json): Resource => ({ env: 'e', apiVersion: 'v1', kind: 'Secret', namespace: 'n', name: 's', body: { data: { token: v } } });
    const changes = compareRenderings([secret('YWJj')], [secret('ZGVm')]);
    expect(changes[0]!.fields.map((f) => [f.path, f.old, f.new])).toEqual([['data.token', REDACTED, REDACTED]]);
  });

  it('the Markdown comment has a summary table, the risks most severe first, and folds the changes', () => {
    const after = edit('Deployment', 'agent-api', (b) => {
      apiContainer(b).image = 'registry.example.com/agent-platform/multi-agent-service:1.9.0';
    }).filter((x) => x.kind !== 'StatefulSet');
    const md = formatMarkdown(report(after));
    expect(md).toContain('| environment | added | removed | changed | pod restarts | risky | CPU requests (cores) | memory requests |');
    expect(md).toContain('| prod | 0 | 1 | 1 | 1 | **1** | 2.6–8.1 → 2.5–8 | 5.25Gi–16.25Gi → 5Gi–16Gi |');
    expect(md.indexOf('**deletion**')).toBeLessThan(md.indexOf('**restart**'));
    expect(md.indexOf('#### Flagged changes')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('<details><summary>prod: 2 object(s) differ</summary>');
  });

  it('flags a changed listener hostname, route hostname or certificate as an edge risk, in any environment', () => {
    const host = 'api.example.org';
    const gateway = report(edit('Gateway', 'agent-api', (b) => (b.spec.listeners[1].hostname = host)));
    expect(gateway.risks.filter((x) => x.severity === 'edge').map((x) => x.message)).toEqual([
      `spec.listeners[https].hostname api.agents.example.com → ${host}: listeners (hostname, port, protocol, certificate) change what the load balancer answers for`,
    ]);
    expect(exitCodeOf(gateway)).toBe(2);
    const route = report(edit('HTTPRoute', 'agent-api', (b) => (b.spec.hostnames = [host])));
    expect(route.risks.map((x) => `${x.severity}: ${x.subject}`)).toEqual([`edge: HTTPRoute ${NS}/agent-api`]);
    const cert = report(edit('Certificate', 'agent-api', (b) => (b.spec.dnsNames = [host])));
    expect(cert.risks.map((x) => x.message)).toEqual([expect.stringMatching(/^spec\.dnsNames.*: a certificate without the host fails every TLS handshake$/)]);
    const gone = report(base.filter((r) => r.kind !== 'Gateway'));
    expect(gone.risks.map((x) => `${x.severity}: ${x.message}`)).toContain('edge: Gateway removed: clients it served get no answer (or no valid certificate)');
    // Envoy replicas are not the entrance itself.
    const replicas = report(edit('EnvoyProxy', 'agent-api', (b) => (b.spec.provider.kubernetes.envoyDeployment.replicas = 3)));
    expect(replicas.risks.filter((x) => x.severity === 'edge')).toEqual([]);
  });
});

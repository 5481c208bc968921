/**
 * "Is it down?" can be answered in every environment and both monitoring modes: no scrape job
 * drops unready endpoints, every Deployment and StatefulSet rendered has an availability alert,
 * kube-state-metrics watches every kind the rules read, and every scrape job has an absence alert.
 * These are checks over the whole rendered set, so a workload or job added later without its
 * alert fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../../environments/load.ts';
import { type Environment, environmentSchema } from '../../../environments/schema/index.ts';
import { availabilityAlertGroup } from '../../../constructs/monitoring/availability-alerts.ts';
import { PROMETHEUS_SELF_JOB } from '../../../constructs/prometheus.ts';
import { buildPlatform } from '../../../stacks/platform-chart.ts';
import { manifestsOf } from '../../../stacks/render.ts';
import type { Manifest } from '../../../kube/object.ts';
import { configMapData } from '../../support/monitoring-files.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
type Obj = Record<string, any>;

function operatorVariant(name: string): Environment {
  const input = yaml.load(readFileSync(join(ROOT, 'environments', `${name}.yaml`), 'utf8')) as Obj;
  return environmentSchema.parse({
    ...input,
    monitoring: { ...input['monitoring'], mode: 'operator', operator: { namespace: 'monitoring', prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090' } },
  });
}

const envs = loadEnvironments(join(ROOT, 'environments'));
const cases = [...envs.map((e) => [e.name, e] as const), ...envs.map((e) => [`${e.name} (operator mode)`, operatorVariant(e.name)] as const)];

/** Readiness meta labels of the endpoints and endpointslice roles. */
const READINESS = /^__meta_kubernetes_(endpoint_ready|endpointslice_endpoint_conditions_(ready|serving|terminating)|pod_ready)$/;

/** kube-state-metrics' metric prefix -> the resource and API group it must watch for it. */
const KSM_KINDS: Readonly<Record<string, { readonly resource: string; readonly apiGroup: string }>> = {
  pod: { resource: 'pods', apiGroup: '' },
  job: { resource: 'jobs', apiGroup: 'batch' },
  cronjob: { resource: 'cronjobs', apiGroup: 'batch' },
  deployment: { resource: 'deployments', apiGroup: 'apps' },
  statefulset: { resource: 'statefulsets', apiGroup: 'apps' },
};

describe.each(cases)('availability alerts of %s', (_name, env) => {
  const chart = buildPlatform(env);
  const manifests = manifestsOf(chart);
  const tier = chart.monitoring;
  const rules = tier.ruleGroups.flatMap((g) => g.rules);
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name) as (Manifest & Obj) | undefined;

  it('scrapes unready endpoints: no job keeps or drops targets by readiness', () => {
    const relabelings: { job: string; rule: Obj }[] =
      tier.mode === 'plain'
        ? (yaml.load(configMapData(manifests, 'prometheus-config')['prometheus.yml']!) as Obj)['scrape_configs'].flatMap((j: Obj) =>
            (j['relabel_configs'] ?? []).map((r: Obj) => ({ job: j['job_name'], rule: { action: r['action'], sourceLabels: r['source_labels'] } })),
          )
        : manifests
            .filter((m) => m.kind === 'ServiceMonitor')
            .flatMap((m) => (m as Obj)['spec'].endpoints.flatMap((e: Obj) => (e['relabelings'] ?? []).map((r: Obj) => ({ job: m.metadata.name, rule: r }))));
    expect(relabelings.length).toBeGreaterThan(0);
    const filtering = relabelings.filter(({ rule }) => ['keep', 'drop'].includes(rule['action']) && (rule['sourceLabels'] ?? []).some((l: string) => READINESS.test(l)));
    expect(filtering.map((f) => f.job)).toEqual([]);
  });

  it('alerts on every Deployment and StatefulSet it renders when fewer replicas are available than desired', () => {
    // kube-state-metrics watches the environment's namespace only; an add-on elsewhere is its cluster's business.
    const workloads = manifests.filter((m) => (m.kind === 'Deployment' || m.kind === 'StatefulSet') && (m.metadata['namespace'] ?? env.namespace) === env.namespace);
    expect(workloads.length).toBeGreaterThan(3);
    for (const w of workloads) {
      const label = w.kind.toLowerCase();
      const watching = rules.filter((r) => r.alert === `${w.kind}Unavailable` && r.expr.includes(`{namespace="${env.namespace}",${label}="${w.metadata.name}"}`));
      expect(watching.map((r) => r.labels.severity).sort(), `${w.kind} ${w.metadata.name}`).toContain('warning');
    }
    // The tier's list and the rendered objects agree both ways: nothing is watched that is not rendered.
    const watched = rules.filter((r) => /^(Deployment|StatefulSet)Unavailable$/.test(r.alert)).map((r) => /(deployment|statefulset)="([^"]+)"/.exec(r.expr)![2]);
    expect([...new Set(watched)].sort()).toEqual(workloads.map((w) => w.metadata.name).sort());
  });

  it('lets kube-state-metrics watch every kind its series are read for, in --resources and its Role', () => {
    const kinds = [...new Set(rules.flatMap((r) => [...r.expr.matchAll(/\bkube_([a-z]+?)_/g)].map((m) => m[1]!)))].sort();
    expect(kinds).toEqual(expect.arrayContaining(['deployment', 'statefulset']));
    const ksm = find('Deployment', 'kube-state-metrics')!;
    const args: string[] = ksm['spec'].template.spec.containers[0].args;
    const resources = args.find((a) => a.startsWith('--resources='))!.slice('--resources='.length).split(',');
    const role = find('Role', 'kube-state-metrics')!;
    for (const k of kinds) {
      const want = KSM_KINDS[k];
      expect(want, `kube_${k}_* is read but this test does not know its resource`).toBeDefined();
      expect(resources, `--resources for kube_${k}_*`).toContain(want!.resource);
      expect(
        (role['rules'] as Obj[]).some((r) => r['apiGroups'].includes(want!.apiGroup) && r['resources'].includes(want!.resource) && ['list', 'watch'].every((v) => r['verbs'].includes(v))),
        `Role grants list/watch on ${want!.resource}`,
      ).toBe(true);
    }
  });

  it('alerts when a scrape job has no target left, for every job discovered in the namespace', () => {
    const absent = rules.filter((r) => r.alert === 'ScrapeTargetsAbsent').map((r) => /job="([^"]+)"/.exec(r.expr)![1]);
    expect(absent.sort()).toEqual(tier.jobs.filter((j) => j !== PROMETHEUS_SELF_JOB));
    for (const r of rules.filter((x) => x.alert === 'ScrapeTargetsAbsent')) expect(r.expr).toContain(`namespace="${env.namespace}"`);
  });

  it('watches WAL archiving, base backups and instances exactly where Postgres is a CloudNativePG cluster', () => {
    const pg = env.data.postgres;
    const names = rules.filter((r) => r.labels.component === 'postgres' || r.labels.store === 'postgres').map((r) => r.alert);
    if (pg.mode === 'cloudnative-pg') {
      expect(names).toEqual(expect.arrayContaining(['PostgresWalArchivingFailing', 'PostgresBaseBackupFailing']));
      const missing = rules.find((r) => r.alert === 'PostgresInstancesMissing');
      if (pg.instances > 1) expect(missing?.expr).toMatch(new RegExp(`< ${pg.instances}$`));
      else expect(missing).toBeUndefined();
    } else {
      expect(names).not.toContain('PostgresWalArchivingFailing');
      expect(names).not.toContain('PostgresBaseBackupFailing');
    }
  });
});

describe('availabilityAlertGroup', () => {
  it('refuses a workload watched twice', () => {
    expect(() =>
      availabilityAlertGroup({
        namespace: 'test',
        workloads: [
          { kind: 'Deployment', name: 'api', component: 'api' },
          { kind: 'Deployment', name: 'api', component: 'api' },
        ],
        jobs: [],
      }),
    ).toThrowError('availabilityAlertGroup: Deployment api is watched twice');
  });
});

/**
 * The facts an environment's chart reports for its cluster's configuration agree with the objects it
 * renders, so the cluster can read the facts instead of reading the objects back.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { secretsReadBy } from '../../kube/pod-references.ts';
import { podTemplateOf } from '../../kube/pod-template.ts';
import { claimsOf } from '../../policies/cluster.ts';
import { buildPlatform } from '../../stacks/platform-chart.ts';
import { manifestsOf } from '../../stacks/render.ts';

const envs = loadEnvironments(join(import.meta.dirname, '..', '..', 'environments'));

/** `env` with a StorageClass of its own for every component that claims storage, so a claim nobody reports shows. */
function classPerComponent(env: Environment): Environment {
  const data = Object.fromEntries(
    Object.entries(env.data).map(([name, s]) => [name, 'storage' in s && s.storage && s.mode !== 'managed' ? { ...s, storage: { ...s.storage, storageClass: `class-${name}` } } : s]),
  ) as Environment['data'];
  const mon = env.monitoring;
  return {
    ...env,
    data,
    monitoring: {
      ...mon,
      prometheus: { ...mon.prometheus, storageClassName: 'class-prometheus' },
      ...(mon.alertmanager ? { alertmanager: { ...mon.alertmanager, storageClassName: 'class-alertmanager' } } : {}),
    },
  };
}

describe.each(envs.map((e) => [e.name, e] as const))('the facts environment %s reports', (_, env) => {
  it('name exactly the StorageClasses its claims name', () => {
    for (const e of [env, classPerComponent(env)]) {
      const chart = buildPlatform(e);
      const claimed = [...new Set(manifestsOf(chart).flatMap((m) => claimsOf(m).flatMap((c) => (c.storageClass ? [c.storageClass] : []))))].sort();
      expect(claimed.length).toBeGreaterThan(0);
      expect(chart.facts.storageClasses).toEqual(claimed);
    }
  });

  it('say whether its edge renders a global rate limit', () => {
    const chart = buildPlatform(env);
    const global = manifestsOf(chart).some((m) => m.kind === 'BackendTrafficPolicy' && (m['spec'] as { rateLimit?: { global?: unknown } }).rateLimit?.global !== undefined);
    expect(global).toBe(true);
    expect(chart.facts.globalRateLimit).toBe(global);
  });

  it('report, for every Job it renders, exactly the Secrets the Job\'s pod reads', () => {
    const chart = buildPlatform(env);
    const jobs = manifestsOf(chart).filter((m) => m.kind === 'Job');
    expect(jobs.length).toBeGreaterThan(0);
    const reported = chart.secretsReadByJob;
    expect([...reported.keys()].sort()).toEqual(jobs.map((j) => j.metadata.name).sort());
    for (const job of jobs) {
      const read = [...new Set(secretsReadBy(podTemplateOf(job)!).map((r) => r.name))].sort();
      expect(reported.get(job.metadata.name), job.metadata.name).toEqual(read);
    }
  });
});

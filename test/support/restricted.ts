/** The restricted pod profile, checked on every workload a construct test renders. */
import { expect } from 'vitest';
import type { Obj } from './charts.ts';

function podOf(o: Obj): Obj {
  return o['kind'] === 'CronJob' ? o['spec'].jobTemplate.spec.template.spec : o['spec'].template.spec;
}

/** Every container of every workload in `objs` runs under the restricted profile with a read-only root. */
export function expectRestricted(objs: Obj[]): void {
  const workloads = objs.filter((o) => ['StatefulSet', 'Deployment', 'CronJob', 'Job'].includes(o['kind']));
  expect(workloads.length).toBeGreaterThan(0);
  for (const w of workloads) {
    const pod = podOf(w);
    expect(pod.securityContext.runAsNonRoot, w['metadata'].name).toBe(true);
    expect(pod.automountServiceAccountToken, w['metadata'].name).toBe(false);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(c.securityContext, `${w['metadata'].name}/${c.name}`).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.resources.requests.memory, `${w['metadata'].name}/${c.name}`).toBeDefined();
      expect(c.resources.limits.memory, `${w['metadata'].name}/${c.name}`).toBeDefined();
      for (const e of c.env ?? []) {
        if (/PASSWORD|_AUTH$/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${c.name} ${e.name}`).toBeDefined();
      }
    }
  }
}

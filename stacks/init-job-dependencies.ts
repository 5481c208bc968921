/**
 * What an initialisation Job creates, its consumers wait for. A Job that reads the same stored
 * credential as a long-running workload (`postgres-init` sets the password of `langmem_user`; the
 * API signs in as `langmem_user`) initialises something that workload needs: roles, databases,
 * users. So the workload comes after the Job, unless the Job itself needs the workload (the store
 * it initialises reads the superuser password too, and the Job waits for that store).
 *
 * Argo CD runs a `Sync` hook in its wave and waits for it to complete before the next wave
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/: hooks and resources are ordered
 * by phase, then wave); under Pulumi the workload's `dependsOn` the Job, which Pulumi awaits until
 * it succeeds.
 */
import { credentialsOf, secretKeysOf } from '../policies/credentials.ts';
import type { Manifest } from '../kube/object.ts';
import type { Dependency } from './dependency.ts';
import { LONG_RUNNING_KINDS } from '../policies/objects.ts';

/** Kinds that run until stopped and report readiness; a Job's products are for them. */
const LONG_RUNNING: ReadonlySet<string> = new Set(LONG_RUNNING_KINDS);

/** `from` (a workload) depends on `to` (a Job) for every credential they share, where `to` does not already depend on `from`. */
export function initJobDependencies(manifests: readonly Manifest[], deps: readonly Dependency[]): Dependency[] {
  const jobs = manifests.filter((m) => m.kind === 'Job');
  if (jobs.length === 0) return [];
  const index = secretKeysOf(manifests);
  const edges = new Map<Manifest, Manifest[]>();
  for (const d of deps) edges.set(d.from, [...(edges.get(d.from) ?? []), d.to]);
  const reaches = (from: Manifest, to: Manifest): boolean => {
    const seen = new Set<Manifest>();
    const stack = [from];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (m === to) return true;
      if (seen.has(m)) continue;
      seen.add(m);
      stack.push(...(edges.get(m) ?? []));
    }
    return false;
  };
  const out: Dependency[] = [];
  for (const job of jobs) {
    const ns = job.metadata.namespace ?? '';
    const jobCredentials = credentialsOf(job, index);
    if (jobCredentials.size === 0) continue;
    for (const w of manifests) {
      if (!LONG_RUNNING.has(w.kind) || (w.metadata.namespace ?? '') !== ns) continue;
      const shared = [...credentialsOf(w, index)].filter((c) => jobCredentials.has(c)).sort();
      if (shared.length === 0 || reaches(job, w)) continue;
      out.push({ from: w, to: job, reason: `needs what Job ${job.metadata.name} initialises (shares ${shared.map((c) => c.slice(c.lastIndexOf(':') + 1)).join(', ')})` });
    }
  }
  return out;
}

/**
 * Which add-ons a cluster gets: exactly those an object of its environments needs, with what they
 * require; a custom resource no add-on serves is an error here rather than a failed sync.
 */
import type { AddOn, ClusterUsage } from './add-on.ts';
import { ADD_ONS, addOnOf, BOOTSTRAP_GROUPS } from './add-ons.ts';

/** The add-ons cluster `cluster` needs for `usage`, in the order of {@link ADD_ONS}. */
export function addOnsNeeded(cluster: string, usage: ClusterUsage): AddOn[] {
  const wanted = new Set(ADD_ONS.filter((a) => a.neededBy(usage)).map((a) => a.key));
  for (const key of [...wanted]) for (const r of addOnOf(key).requires ?? []) wanted.add(r);
  const needed = ADD_ONS.filter((a) => wanted.has(a.key));
  for (const group of [...usage.groups].sort()) {
    if (!BOOTSTRAP_GROUPS.has(group) && !needed.some((a) => a.provides.includes(group))) {
      throw new Error(`cluster ${cluster}: custom resources of API group ${group} are rendered but no add-on in stacks/add-ons.ts installs their CRDs`);
    }
  }
  return needed;
}

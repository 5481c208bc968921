import { arr, at, kindOf, nameOf, namespaceOf, podTemplateOf, str } from '../objects.ts';
import { podReferences } from '../../kube/pod-references.ts';
import type { K8sObject, Rule, Violation } from '../types.ts';

/** The StatefulSet (and its claim template) whose replica claim `<template>-<statefulset>-<ordinal>` is `claim`. */
function replicaClaimOwner(claim: string, statefulSets: readonly K8sObject[]): { sts: K8sObject; template: unknown } | undefined {
  for (const sts of statefulSets) {
    for (const t of arr(at(sts, 'spec', 'volumeClaimTemplates'))) {
      const prefix = `${str(at(t, 'metadata', 'name')) ?? ''}-${nameOf(sts)}-`;
      if (claim.startsWith(prefix) && /^[0-9]+$/.test(claim.slice(prefix.length))) return { sts, template: t };
    }
  }
  return undefined;
}

export const rule: Rule = {
  id: 'replica-claim-single-pod',
  category: 'reliability',
  description: 'A Job or CronJob that mounts a StatefulSet replica’s claim (a restore) must find that claim template ReadWriteOncePod, so it cannot run beside the replica.',
  rationale:
    'ReadWriteOnce is per node: a restore Job scheduled on the store’s node mounts its volume next to the running store, which keeps writing (Redis appends to its AOF and rewrites it on shutdown) and undoes or corrupts the restore. ReadWriteOncePod (GA since Kubernetes 1.29, CSI volumes) admits one pod cluster-wide, so the Job waits Pending until the store is stopped.',
  severity: 'error',
  kinds: ['Job', 'CronJob'],
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const statefulSets = set.ofKindIn('StatefulSet', namespaceOf(o) ?? '');
    const out: Violation[] = [];
    for (const ref of podReferences(t)) {
      if (ref.kind !== 'PersistentVolumeClaim') continue;
      const owner = replicaClaimOwner(ref.name, statefulSets);
      if (!owner) continue;
      const modes = arr(at(owner.template, 'spec', 'accessModes'));
      if (modes.length === 1 && modes[0] === 'ReadWriteOncePod') continue;
      out.push({
        path: ref.path,
        message: `${kindOf(o)} ${nameOf(o)} mounts ${ref.name}, the claim of StatefulSet ${nameOf(owner.sts)}, whose template allows ${modes.length ? modes.join(', ') : 'no access mode'}; expected accessModes [ReadWriteOncePod] on a CSI storage class, so it cannot run beside the replica`,
      });
    }
    return out;
  },
};

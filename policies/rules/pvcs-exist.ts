import { namespaceOf, podTemplateOf, WORKLOAD_KINDS } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import { podReferences } from '../../kube/pod-references.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'pvcs-exist',
  category: 'references',
  description: 'Every PersistentVolumeClaim a pod mounts must be rendered, or be a StatefulSet replica’s claim (`<template>-<statefulset>-<ordinal>`).',
  rationale: 'A pod whose claim does not exist stays Pending with no error on the workload itself; claims of StatefulSet replicas come from volumeClaimTemplates and are not referenced as volumes.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'set',
  check: (o, set) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    const ns = namespaceOf(o) ?? '';
    return podReferences(t)
      .filter((r) => r.kind === 'PersistentVolumeClaim' && !set.hasPvc(ns, r.name))
      .map((r) => ({ path: r.path, message: `PersistentVolumeClaim ${r.name} is not rendered in ${nsLabel(ns)}; expected a claim of that name or a StatefulSet volumeClaimTemplate producing it` }));
  },
};

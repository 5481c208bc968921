/**
 * The volumes the EBS CSI driver would provision for the StatefulSets' claims: the driver is a
 * left-out add-on (upstream Helm chart) and provisions real EBS volumes, which a harness on one
 * machine cannot. One PersistentVolume per claim a StatefulSet makes (`<template>-<set>-<ordinal>`),
 * bound in advance to that claim (`claimRef`); a pre-bound volume binds even under
 * `WaitForFirstConsumer` (the PV controller's findMatchingVolume accepts a volume already bound to
 * the claim), so the pods schedule. kwok mounts nothing, so a `hostPath` source is enough.
 */
import type { Manifest } from '../../kube/object.ts';

/** Label on every object the harness creates in place of an add-on. */
export const HARNESS_STAND_IN = { 'agent-platform.io/test-stand-in': 'argo-cd' } as const;

interface ClaimTemplate {
  metadata: { name: string };
  spec: { storageClassName?: string; accessModes?: string[]; volumeMode?: string; resources?: { requests?: { storage?: string } } };
}

/** Pre-bound PersistentVolumes for every StatefulSet claim in `objects`. */
export function preboundVolumes(objects: readonly Manifest[]): Manifest[] {
  const out: Manifest[] = [];
  for (const o of objects) {
    if (o.kind !== 'StatefulSet') continue;
    const spec = o['spec'] as { replicas?: number; volumeClaimTemplates?: ClaimTemplate[] };
    const ns = o.metadata.namespace ?? 'default';
    for (const t of spec.volumeClaimTemplates ?? []) {
      for (let i = 0; i < (spec.replicas ?? 1); i++) {
        const claim = `${t.metadata.name}-${o.metadata.name}-${i}`;
        out.push({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `${ns}-${claim}`, labels: { ...HARNESS_STAND_IN } },
          spec: {
            capacity: { storage: t.spec.resources?.requests?.storage ?? '1Gi' },
            accessModes: t.spec.accessModes ?? ['ReadWriteOnce'],
            ...(t.spec.storageClassName ? { storageClassName: t.spec.storageClassName } : {}),
            volumeMode: t.spec.volumeMode ?? 'Filesystem',
            persistentVolumeReclaimPolicy: 'Retain',
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claim },
            hostPath: { path: `/var/lib/kwok-stand-in/${ns}/${claim}` },
          },
        });
      }
    }
  }
  return out;
}

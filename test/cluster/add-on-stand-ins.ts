/**
 * What the cluster's add-ons would have created before our objects arrive, for the add-ons this
 * harness cannot install (their Helm charts are out of reach offline): the namespaces their Argo CD
 * Applications create (`CreateNamespace=true`), the namespace Argo CD itself is installed in, and
 * the volumes the EBS CSI driver would provision. Each is derived from our own rendering, never
 * listed by hand, so a renamed add-on namespace or a new claim template follows automatically.
 */
import { arr, at, kindOf, nameOf, namespaceOf, rec, str } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';

/** Label that marks every object this harness creates in place of an add-on. */
export const STAND_IN_LABEL = 'agent-platform.io/test-stand-in';

function syncOptions(app: K8sObject): string[] {
  return arr(at(app, 'spec', 'syncPolicy', 'syncOptions')).filter((s): s is string => typeof s === 'string');
}

/**
 * The namespaces Argo CD creates for the Applications deployed to `server` (those with
 * `CreateNamespace=true`, with their `managedNamespaceMetadata`), and the namespace the
 * Applications themselves live in (Argo CD's own).
 */
export function addOnNamespaces(rootObjects: readonly K8sObject[], server: string): K8sObject[] {
  const out = new Map<string, K8sObject>();
  const add = (name: string, labels: Record<string, unknown> = {}) => {
    if (out.has(name)) return;
    out.set(name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels, [STAND_IN_LABEL]: 'argocd' } } });
  };
  for (const app of rootObjects) {
    if (kindOf(app) !== 'Application') continue;
    const ns = namespaceOf(app);
    if (ns) add(ns);
    if (str(at(app, 'spec', 'destination', 'server')) !== server) continue;
    const target = str(at(app, 'spec', 'destination', 'namespace'));
    if (target && syncOptions(app).includes('CreateNamespace=true')) add(target, rec(at(app, 'spec', 'syncPolicy', 'managedNamespaceMetadata', 'labels')) ?? {});
  }
  return [...out.values()];
}

/**
 * One PersistentVolume per claim a StatefulSet will make (`<template>-<set>-<ordinal>`), bound in
 * advance to that claim (`claimRef`), standing in for the EBS CSI driver's dynamic provisioning.
 * Pre-bound volumes bind even under `WaitForFirstConsumer` (the PV controller's
 * findMatchingVolume accepts a volume already bound to the claim). kwok never mounts them, so a
 * `hostPath` source is enough.
 */
export function standInVolumes(objects: readonly K8sObject[]): K8sObject[] {
  const out: K8sObject[] = [];
  for (const o of objects) {
    if (kindOf(o) !== 'StatefulSet') continue;
    const replicas = typeof at(o, 'spec', 'replicas') === 'number' ? (at(o, 'spec', 'replicas') as number) : 1;
    const ns = namespaceOf(o) ?? 'default';
    for (const t of arr(at(o, 'spec', 'volumeClaimTemplates'))) {
      const template = nameOf(t as K8sObject);
      for (let i = 0; i < replicas; i++) {
        const claim = `${template}-${nameOf(o)}-${i}`;
        const storageClassName = str(at(t, 'spec', 'storageClassName'));
        out.push({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: `${ns}-${claim}`, labels: { [STAND_IN_LABEL]: 'ebs-csi-driver' } },
          spec: {
            capacity: { storage: str(at(t, 'spec', 'resources', 'requests', 'storage')) ?? '1Gi' },
            accessModes: arr(at(t, 'spec', 'accessModes')).length ? at(t, 'spec', 'accessModes') : ['ReadWriteOnce'],
            ...(storageClassName ? { storageClassName } : {}),
            volumeMode: str(at(t, 'spec', 'volumeMode')) ?? 'Filesystem',
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

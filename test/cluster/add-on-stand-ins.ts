/**
 * What the cluster's add-ons would have created before our objects arrive, for the add-ons this
 * harness cannot install (their Helm charts are out of reach offline): the namespaces their Argo CD
 * Applications create (`CreateNamespace=true`), the namespace Argo CD itself is installed in, and
 * the volumes the EBS CSI driver would provision. Each is derived from our own rendering, never
 * listed by hand, so a renamed add-on namespace or a new claim template follows automatically.
 * Both harnesses use it: the apply harness (environments.cluster.test.ts) for every add-on, the
 * Argo CD harness (argo-cd.cluster.test.ts) for the Applications its copy leaves out.
 */
import { arr, at, kindOf, nameOf, namespaceOf, rec, str } from '../../policies/objects.ts';
import { ClusterCapabilities } from '../../policies/cluster.ts';
import type { K8sObject } from '../../policies/types.ts';
import type { KubeApi } from './kube-api.ts';

/** Label that marks every object this harness creates in place of an add-on. */
export const STAND_IN_LABEL = 'agent-platform.io/test-stand-in';

/** The volume provisioners the add-ons deployed to `server` provide (their `provisioner:` capabilities). */
export function provisionersOf(rootObjects: readonly K8sObject[], server: string): string[] {
  const apps = rootObjects.filter((o) => kindOf(o) === 'Application' && str(at(o, 'spec', 'destination', 'server')) === server);
  return [...new ClusterCapabilities(apps).provides].filter((c) => c.startsWith('provisioner:')).map((c) => c.slice('provisioner:'.length));
}

function syncOptions(app: K8sObject): string[] {
  return arr(at(app, 'spec', 'syncPolicy', 'syncOptions')).filter((s): s is string => typeof s === 'string');
}

/** Options of {@link addOnNamespaces}. */
export interface AddOnNamespacesOptions {
  /**
   * Include the namespace the Applications themselves live in (Argo CD's own). Off where a real
   * Argo CD is installed, which makes its namespace itself.
   * @default true
   */
  readonly applicationNamespaces?: boolean;
}

/**
 * The namespaces Argo CD creates for the Applications deployed to `server` (those with
 * `CreateNamespace=true`, with their `managedNamespaceMetadata`), and the namespace the
 * Applications themselves live in (Argo CD's own).
 */
export function addOnNamespaces(rootObjects: readonly K8sObject[], server: string, options: AddOnNamespacesOptions = {}): K8sObject[] {
  const out = new Map<string, K8sObject>();
  const add = (name: string, labels: Record<string, unknown> = {}) => {
    if (out.has(name)) return;
    out.set(name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...labels, [STAND_IN_LABEL]: 'argocd' } } });
  };
  for (const app of rootObjects) {
    if (kindOf(app) !== 'Application') continue;
    const ns = namespaceOf(app);
    if (ns && (options.applicationNamespaces ?? true)) add(ns);
    if (str(at(app, 'spec', 'destination', 'server')) !== server) continue;
    const target = str(at(app, 'spec', 'destination', 'namespace'));
    if (target && syncOptions(app).includes('CreateNamespace=true')) add(target, rec(at(app, 'spec', 'syncPolicy', 'managedNamespaceMetadata', 'labels')) ?? {});
  }
  return [...out.values()];
}

/**
 * The EBS CSI driver's provisioner, played by the test: every second, each Pending claim of a
 * StorageClass whose provisioner is `provisioner` that the scheduler has given a node
 * (`volume.kubernetes.io/selected-node`, as `WaitForFirstConsumer` does) or whose class binds
 * immediately gets a PersistentVolume of the requested size bound to it, as an external
 * provisioner would create it. kwok never mounts it, so a `hostPath` source is enough. Claims of
 * StatefulSets and the per-Job ephemeral claims of the backups alike.
 * @returns stops the loop
 */
export function startStandInProvisioner(api: KubeApi, provisioner: string): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      try {
        const classes = new Map((await api.list('storage.k8s.io/v1', 'StorageClass')).map((c) => [nameOf(c as K8sObject), c]));
        for (const claim of await api.list('v1', 'PersistentVolumeClaim')) {
          if (at(claim, 'status', 'phase') !== 'Pending' || str(at(claim, 'spec', 'volumeName'))) continue;
          const sc = classes.get(str(at(claim, 'spec', 'storageClassName')) ?? '');
          if (!sc || str(at(sc, 'provisioner')) !== provisioner) continue;
          const waits = str(at(sc, 'volumeBindingMode')) === 'WaitForFirstConsumer';
          if (waits && !str(at(claim, 'metadata', 'annotations', 'volume.kubernetes.io/selected-node'))) continue;
          const ns = namespaceOf(claim as K8sObject) ?? '';
          const name = nameOf(claim as K8sObject);
          await api.create({
            apiVersion: 'v1',
            kind: 'PersistentVolume',
            metadata: { name: `pv-${String(at(claim, 'metadata', 'uid'))}`, labels: { [STAND_IN_LABEL]: 'ebs-csi-driver' }, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
            spec: {
              capacity: { storage: str(at(claim, 'spec', 'resources', 'requests', 'storage')) ?? '1Gi' },
              accessModes: at(claim, 'spec', 'accessModes'),
              storageClassName: nameOf(sc as K8sObject),
              volumeMode: str(at(claim, 'spec', 'volumeMode')) ?? 'Filesystem',
              persistentVolumeReclaimPolicy: str(at(sc, 'reclaimPolicy')) ?? 'Delete',
              claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid: at(claim, 'metadata', 'uid') },
              hostPath: { path: `/var/lib/kwok-stand-in/${ns}/${name}` },
            },
          });
        }
      } catch {
        // The plane is stopping, or a claim went away meanwhile: the next round sees the truth.
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

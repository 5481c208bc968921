/**
 * The access mode of a volume that exactly one pod may use (a StatefulSet replica's data, a backup
 * Job's scratch space): `ReadWriteOncePod` where the cluster supports it, else `ReadWriteOnce`.
 *
 * ReadWriteOnce is per node: a second pod on the same node (a restore Job beside a running Redis)
 * mounts the volume too. ReadWriteOncePod admits one pod cluster-wide; the scheduler keeps any other
 * pod naming the claim Pending. It is GA since Kubernetes 1.29 (KEP-2485) and works only for CSI
 * volumes (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes).
 *
 * Our target is {@link KUBERNETES_VERSION}. A claim that names a storage class gets one
 * the cluster configuration declares, all of them CSI (the environments name `gp3`, the EBS CSI
 * driver's class, which supports ReadWriteOncePod); a claim on the cluster's default class keeps
 * ReadWriteOnce, since that class's driver is not ours to know.
 *
 * Access modes of a bound claim, and a StatefulSet's volumeClaimTemplates, cannot change in place:
 * existing claims keep ReadWriteOnce until migrated
 * (https://kubernetes.io/docs/tasks/administer-cluster/change-pv-access-mode-readwriteoncepod/).
 */
import { KUBERNETES_VERSION } from './k8s.ts';

/** The first Kubernetes minor version where ReadWriteOncePod is GA. */
const READ_WRITE_ONCE_POD_GA_MINOR = 29;

export function singlePodAccessMode(storageClass: string | undefined): 'ReadWriteOncePod' | 'ReadWriteOnce' {
  const [major, minor] = KUBERNETES_VERSION.split('.').map(Number) as [number, number];
  const supported = major > 1 || minor >= READ_WRITE_ONCE_POD_GA_MINOR;
  return supported && storageClass !== undefined ? 'ReadWriteOncePod' : 'ReadWriteOnce';
}

/**
 * An encrypted EBS StorageClass provisioned by the EBS CSI driver. EKS ships only `gp2`, whose
 * in-tree provisioner (`kubernetes.io/aws-ebs`) is itself migrated to the CSI driver, so a cluster
 * without the driver add-on provisions nothing: claims stay Pending.
 *
 * Parameters are the driver's (`type`, `encrypted`):
 * https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

/** The EBS CSI driver's provisioner name. */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';

export interface EbsStorageClassProps {
  /** Name claims use in `storageClassName`, e.g. `gp3`. */
  readonly name: string;
  /** EBS volume type. @default 'gp3' */
  readonly volumeType?: 'gp3' | 'gp2' | 'io2' | 'io1' | 'st1' | 'sc1';
  /** Extra labels, e.g. the cluster. @default {} */
  readonly labels?: Record<string, string>;
}

export class EbsStorageClass extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EbsStorageClassProps) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeStorageClass(this, 'storage-class', {
      metadata: { name: props.name, labels: { ...componentLabels(props.name, 'storage'), ...props.labels } },
      provisioner: EBS_CSI_PROVISIONER,
      parameters: {
        type: props.volumeType ?? 'gp3',
        // Encrypted at rest with the account's default EBS key; snapshots inherit it.
        encrypted: 'true',
      },
      // The volume is created in the zone the pod is scheduled to, not in a random one that the
      // pod's spread constraints then cannot reach.
      volumeBindingMode: 'WaitForFirstConsumer',
      // Growing a claim is an edit of its size, not a migration.
      allowVolumeExpansion: true,
      // A deleted claim deletes its volume; backups go to object storage (constructs/backup-cron-job.ts).
      reclaimPolicy: 'Delete',
    });
  }
}

/**
 * The StorageClasses a cluster declares: exactly those its environments' claims name (as the
 * constructs building the claims report them, constructs/storage-claims.ts, carried in
 * `PlatformFacts.storageClasses`), each from a known definition, so a claim can never name a class
 * that nothing provisions (it would stay Pending). The classes are rendered into the cluster's
 * configuration (`generated/argocd/clusters/`) and their provisioner's driver is installed as an
 * add-on (stacks/cluster-add-ons.ts). The `storage-class-declared` rule checks the rendered claims
 * against them independently.
 */
import type { Construct } from 'constructs';
import { EbsStorageClass, type EbsStorageClassProps } from '../constructs/ebs-storage-class.ts';

/** StorageClasses this repository knows how to declare, by name. */
const STORAGE_CLASSES: Readonly<Record<string, Omit<EbsStorageClassProps, 'name' | 'labels'>>> = {
  gp3: { volumeType: 'gp3' },
};

/** Declares in `scope` every StorageClass the claims of a cluster's environments name (`claimed`, as they reported them). */
export function declareStorageClasses(scope: Construct, cluster: string, claimed: readonly string[], labels: Record<string, string>): void {
  for (const name of [...new Set(claimed)].sort()) {
    const known = STORAGE_CLASSES[name];
    if (!known) {
      throw new Error(`cluster ${cluster}: claims name StorageClass ${JSON.stringify(name)}, which no cluster configuration declares; expected one of ${Object.keys(STORAGE_CLASSES).sort().join(', ')} (storageClass in environments/<env>.yaml, or add it to STORAGE_CLASSES in stacks/cluster-storage.ts)`);
    }
    new EbsStorageClass(scope, `storage-class-${name}`, { name, ...known, labels });
  }
}

/**
 * The StorageClasses a construct tree's volume claims name, as the constructs that build the claims
 * report them when they build them (`dataVolumeClaim` in stateful-parts.ts, the CloudNativePG
 * Cluster's storage, a backup's work volume). The cluster's configuration declares exactly these
 * classes (stacks/cluster-storage.ts) without reading the claims back from the rendered objects.
 *
 * Kept as construct metadata (`node.addMetadata`), which cdk8s never renders, so reporting a class
 * changes no output.
 */
import type { IConstruct } from 'constructs';

const CLAIMED_CLASS = 'agent-platform.io/claimed-storage-class';

/**
 * Records that `owner` renders a volume claim of `storageClass`. A claim naming no class (the
 * cluster's default) reports nothing: the stacks always name one (stacks/storage-classes.ts), and
 * the `storage-class-declared` rule fails a claim without one.
 */
export function reportClaim(owner: IConstruct, storageClass: string | undefined): void {
  if (storageClass !== undefined) owner.node.addMetadata(CLAIMED_CLASS, storageClass);
}

/** The StorageClasses the claims under `scope` name, as reported; sorted, once each. */
export function claimedStorageClasses(scope: IConstruct): string[] {
  const named = scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === CLAIMED_CLASS).map((m) => String(m.data)));
  return [...new Set(named)].sort();
}

/**
 * Blocks every store's schema (components/<store>/schema.ts) is written from: its volume, the
 * endpoint of its managed service, and the size class the Pulumi program provisions.
 */
import { z } from 'zod';
import { memoryQuantity } from './common.ts';

/** A PersistentVolumeClaim (or, for `managed`, the allocated storage). */
export const storage = z.strictObject({
  /** Capacity of the volume, e.g. `20Gi`. */
  size: memoryQuantity,
  /** StorageClass of the claim. @default - `gitops.storage.defaultClass` */
  storageClass: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a StorageClass name like "gp3"').optional(),
});

/** Host and port of a store outside the cluster (`managed` mode). */
export const endpoint = (defaultPort: number) =>
  z.strictObject({
    /** DNS name of the service, e.g. `agent-platform.abc123.eu-central-1.rds.amazonaws.com`. */
    host: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/, 'a DNS name like db.example.internal'),
    /** @default the store's standard port */
    port: z.number().int().min(1).max(65535).default(defaultPort),
  });

/** Size class of the managed service, read by the Pulumi program only (e.g. `db.r6g.large`). */
export const instanceClass = z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/, 'an instance class like "db.r6g.large"');

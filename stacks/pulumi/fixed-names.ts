/**
 * Options for AWS resources registered under names we choose (a bucket, a role, an RDS identifier,
 * parameter and subnet groups named after the store, a security group) or that exist once per
 * bucket (its policy, versioning, encryption...). Pulumi replaces by creating the new resource
 * before deleting the old one; with a fixed name the create fails with "already exists" (an RDS
 * parameter group when `family` moves to a new major version, a security group whose description
 * changes), and for a per-bucket setting the late delete would remove the new one's setting. So the
 * old one goes first. Stateful resources also keep `protect` and `retainOnDelete` in production,
 * which turns such a replacement into an error naming the resource instead of a deletion.
 */
import type * as pulumi from '@pulumi/pulumi';

export const FIXED_NAME: Pick<pulumi.CustomResourceOptions, 'deleteBeforeReplace'> = { deleteBeforeReplace: true };

/**
 * What the backup writers may do in the bucket: see that it exists and list it, write, read (for
 * the restore) and delete (pruning) under the environment's prefix. Delete, but not
 * `DeleteObjectVersion`: in the versioned bucket a delete only adds a marker, so a compromised job
 * cannot destroy a backup before the lifecycle rule's window has passed. No KMS statement: the
 * bucket uses the AWS-managed `aws/s3` key, whose key policy already lets the account use it
 * through S3 alone.
 *
 * Listing is on the whole bucket, without an `s3:prefix` condition: HeadBucket is authorised as
 * `s3:ListBucket` and carries no prefix, so a condition on the prefix refuses it with a 403, and
 * barman-cloud checks the bucket with `head_bucket` before every WAL archive and backup
 * (barman `barman/cloud_providers/aws_s3.py`, `_check_bucket_existence` re-raises a 403). IAM cannot
 * tell HeadBucket from an unprefixed listing, so key names of the bucket are visible; objects
 * themselves stay out of reach outside the prefix. `ListBucketMultipartUploads` is Elasticsearch's
 * S3 repository's register operation (`S3BlobContainer.compareAndExchangeRegister`). Each tool's
 * requests are listed in test/support/backup-s3-calls.ts and evaluated against this document.
 */
import * as pulumi from '@pulumi/pulumi';
import type { PolicyDocument } from './iam-documents.ts';

export function backupRolePolicy(bucketArn: pulumi.Input<string>, prefix: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FindAndListBucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
        Resource: bucketArn,
      },
      {
        Sid: 'WriteRestoreAndPruneBackups',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: pulumi.interpolate`${bucketArn}/${prefix}/*`,
      },
    ],
  };
}

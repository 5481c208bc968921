/**
 * What the backup writers may do in the bucket: list their own prefix, write, read (for the
 * restore) and delete (pruning) under it. Delete, but not `DeleteObjectVersion`: in the versioned
 * bucket a delete only adds a marker, so a compromised job cannot destroy a backup before the
 * lifecycle rule's window has passed. No KMS statement: the bucket uses the AWS-managed `aws/s3`
 * key, whose key policy already lets the account use it through S3 alone.
 */
import * as pulumi from '@pulumi/pulumi';
import type { PolicyDocument } from './iam-documents.ts';

export function backupRolePolicy(bucketArn: pulumi.Input<string>, prefix: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ListOwnPrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn,
        Condition: { StringLike: { 's3:prefix': [`${prefix}/*`, `${prefix}/`] } },
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

/**
 * What the backup CronJobs may do in the bucket: list their own prefix, write and read backups
 * under it (read for the restore). No delete: expiry is the bucket lifecycle's job, so a
 * compromised backup job cannot erase the backups. No KMS statement either: the bucket uses the
 * AWS-managed `aws/s3` key, whose key policy already lets the account use it through S3 alone.
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
        Sid: 'WriteAndRestoreBackups',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: pulumi.interpolate`${bucketArn}/${prefix}/*`,
      },
    ],
  };
}

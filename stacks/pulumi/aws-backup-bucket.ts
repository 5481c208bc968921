/**
 * The S3 bucket an environment's backups go to: private (public access blocked, ACLs disabled),
 * encrypted, versioned (an overwritten or deleted backup stays recoverable for the retention
 * window), reachable over TLS only. The backup jobs prune their own backups (keeping the newest
 * successful one whatever its age); the lifecycle rule is the backstop behind them and removes the
 * versions their deletes leave behind.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PolicyDocument } from './iam-documents.ts';
import { FIXED_NAME } from './fixed-names.ts';

export interface BackupBucketArgs {
  readonly bucket: string;
  /** Prefix the backups live under; the lifecycle rule applies to it alone. */
  readonly prefix: string;
  /** Days before any object under the prefix, and a superseded version of one, expires. */
  readonly expireAfterDays: number;
  /** Production keeps the bucket when the stack is destroyed and refuses to delete it. */
  readonly production: boolean;
  readonly tags: Record<string, string>;
}

/** Deny every request that does not use TLS, whoever makes it. */
function tlsOnlyBucketPolicy(bucketArn: pulumi.Input<string>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
    ],
  };
}

export class BackupBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: BackupBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:aws:BackupBucket', name, {}, opts);
    if (!Number.isInteger(args.expireAfterDays) || args.expireAfterDays < 1) {
      throw new Error(`BackupBucket ${name}: expireAfterDays must be a whole number of days ≥ 1, got ${JSON.stringify(args.expireAfterDays)}`);
    }
    if (args.prefix.startsWith('/') || args.prefix.endsWith('/')) {
      throw new Error(`BackupBucket ${name}: prefix ${JSON.stringify(args.prefix)} must not start or end with "/"`);
    }
    const child = { parent: this, ...FIXED_NAME };
    this.bucket = new aws.s3.Bucket(
      `${name}`,
      { bucket: args.bucket, forceDestroy: !args.production, tags: args.tags },
      { ...child, protect: args.production, retainOnDelete: args.production },
    );
    const bucket = this.bucket.id;
    this.arn = this.bucket.arn;
    this.name = this.bucket.bucket;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } }, child);
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: 'Enabled' } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      // SSE-KMS with the bucket key: encrypted under KMS without a KMS request per object.
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }] },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: 'expire-backups',
            status: 'Enabled',
            filter: { prefix: `${args.prefix}/` },
            expiration: { days: args.expireAfterDays },
            noncurrentVersionExpiration: { noncurrentDays: args.expireAfterDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
          {
            // Delete markers left once every version under them has expired.
            id: 'remove-expired-delete-markers',
            status: 'Enabled',
            filter: { prefix: `${args.prefix}/` },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      child,
    );
    // After the public access block: a bucket policy applied first could be judged public.
    new aws.s3.BucketPolicy(`${name}-policy`, { bucket, policy: pulumi.jsonStringify(tlsOnlyBucketPolicy(this.bucket.arn)) }, { ...child, dependsOn: [publicAccess] });
    this.registerOutputs({ arn: this.arn, name: this.name });
  }
}

/**
 * The S3 requests each backup tool makes against its target, written down from the tools' own
 * source, with the IAM action each request is authorised as (AWS Service Authorization
 * Reference, "Actions defined by Amazon S3": HeadBucket and ListObjects(V2) are s3:ListBucket on
 * the bucket, with `s3:prefix` present only when the request carries a Prefix; HeadObject is
 * s3:GetObject; CreateMultipartUpload, UploadPart and CompleteMultipartUpload are s3:PutObject;
 * DeleteObjects is s3:DeleteObject per key; ListMultipartUploads is s3:ListBucketMultipartUploads).
 *
 * - barman-cloud (CloudNativePG's WAL archiving and base backups; also the Barman Cloud plugin):
 *   EnterpriseDB/barman `barman/cloud_providers/aws_s3.py`: `test_connectivity` and
 *   `_check_bucket_existence` call `head_bucket` (a 403 is re-raised, so `barman-cloud-wal-archive`
 *   exits 1); `list_bucket` calls `list_objects_v2(Prefix, Delimiter)`; `upload_fileobj` is
 *   `put_object` or, above 8 MiB (a 16 MiB WAL segment), a multipart upload; `create_multipart_upload`,
 *   `_upload_part`, `_complete_multipart_upload`, `_abort_multipart_upload`; `download_file` and
 *   `remote_open` call `get_object`; `_delete_objects_batch` calls `delete_objects`. Keys live under
 *   `<destinationPath>/<server name>/{wals,base}/`.
 * - aws-cli (constructs/scripts/object-store.sh): `store_put` is `aws s3 cp --checksum-algorithm
 *   SHA256` (PutObject, multipart above 8 MiB, AbortMultipartUpload when it fails); `store_get` is
 *   `aws s3 cp s3://… file` (HeadObject, GetObject); `store_exists`, `store_list_files` and
 *   `store_list_backups` are `aws s3 ls` (ListObjectsV2 with Prefix and Delimiter `/`);
 *   `store_remove_backup` is `aws s3 rm --recursive` (ListObjectsV2 with Prefix, then DeleteObject
 *   per key).
 * - Elasticsearch's S3 repository (elastic/elasticsearch
 *   `modules/repository-s3/src/main/java/org/elasticsearch/repositories/s3/S3BlobContainer.java`):
 *   `blobExists` (HeadObject), `readBlob` (GetObject), `writeBlob` (PutObject or
 *   InitiateMultipartUpload/UploadPart/CompleteMultipartUpload, AbortMultipartUpload on failure),
 *   `listBlobsByPrefix` and `children` (ListObjects with the base path as Prefix), `delete` and
 *   `deleteBlobsIgnoringIfNotExists` (DeleteObjects), and the register operations
 *   (`compareAndExchangeRegister`: ListMultipartUploads with a Prefix). Registering the repository
 *   verifies it by writing, reading and deleting `tests-<uuid>/` under the base path.
 */

export type BackupTool = 'barman-cloud' | 'aws-cli' | 'elasticsearch-repository-s3';

export interface S3Call {
  readonly tool: BackupTool;
  /** The S3 API operation, as the tool's SDK names it. */
  readonly operation: string;
  /** The IAM action it is authorised as. */
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

/** `s3://bucket/path` → bucket and path (without a trailing slash). */
export function parseS3Url(url: string): { bucket: string; path: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(url);
  if (!m) throw new Error(`${url} is not an s3:// URL`);
  return { bucket: m[1]!, path: m[2]! };
}

/** Every request `tool` makes against `target` (an s3:// URL), for an object `name` it stores. */
export function s3CallsOf(tool: BackupTool, target: string, name = 'postgres'): S3Call[] {
  const { bucket, path } = parseS3Url(target);
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const onBucket = (operation: string, action: string, prefix?: string): S3Call => ({
    tool,
    operation,
    action,
    resource: bucketArn,
    ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }),
  });
  const onObject = (operation: string, action: string, key: string): S3Call => ({ tool, operation, action, resource: `${bucketArn}/${path}/${key}` });
  switch (tool) {
    case 'barman-cloud': {
      const wal = `${name}/wals/0000000100000000/000000010000000000000001.gz`;
      const base = `${name}/base/20261128T020000/data.tar`;
      return [
        onBucket('HeadBucket', 's3:ListBucket'),
        onBucket('ListObjectsV2', 's3:ListBucket', `${path}/${name}/`),
        onBucket('ListObjectsV2', 's3:ListBucket', `${path}/${name}/wals/0000000100000000/`),
        onObject('PutObject', 's3:PutObject', wal),
        onObject('CreateMultipartUpload', 's3:PutObject', base),
        onObject('UploadPart', 's3:PutObject', base),
        onObject('CompleteMultipartUpload', 's3:PutObject', base),
        onObject('AbortMultipartUpload', 's3:AbortMultipartUpload', base),
        onObject('GetObject', 's3:GetObject', wal),
        onObject('GetObject', 's3:GetObject', `${name}/base/20261128T020000/backup.info`),
        onObject('DeleteObjects', 's3:DeleteObject', base),
      ];
    }
    case 'aws-cli': {
      const id = '20261128T020000Z';
      const dump = `${id}/${name}.dump`;
      return [
        onObject('PutObject', 's3:PutObject', dump),
        onObject('CreateMultipartUpload', 's3:PutObject', dump),
        onObject('UploadPart', 's3:PutObject', dump),
        onObject('CompleteMultipartUpload', 's3:PutObject', dump),
        onObject('AbortMultipartUpload', 's3:AbortMultipartUpload', dump),
        onObject('HeadObject', 's3:GetObject', dump),
        onObject('GetObject', 's3:GetObject', dump),
        onBucket('ListObjectsV2', 's3:ListBucket', `${path}/${id}/COMPLETE`),
        onBucket('ListObjectsV2', 's3:ListBucket', `${path}/${id}/`),
        onBucket('ListObjectsV2', 's3:ListBucket', `${path}/`),
        onObject('DeleteObject', 's3:DeleteObject', dump),
      ];
    }
    case 'elasticsearch-repository-s3': {
      const verify = 'tests-0Fq9cR2xTmWz/master.dat';
      const blob = 'indices/Xq1/0/__aZ9';
      return [
        onObject('PutObject', 's3:PutObject', verify),
        onObject('GetObject', 's3:GetObject', verify),
        onBucket('ListObjects', 's3:ListBucket', `${path}/tests-0Fq9cR2xTmWz/`),
        onObject('DeleteObjects', 's3:DeleteObject', verify),
        onObject('HeadObject', 's3:GetObject', 'index.latest'),
        onBucket('ListObjects', 's3:ListBucket', `${path}/index-`),
        onBucket('ListObjects', 's3:ListBucket', `${path}/indices/`),
        onObject('InitiateMultipartUpload', 's3:PutObject', blob),
        onObject('UploadPart', 's3:PutObject', blob),
        onObject('CompleteMultipartUpload', 's3:PutObject', blob),
        onObject('AbortMultipartUpload', 's3:AbortMultipartUpload', blob),
        onObject('DeleteObjects', 's3:DeleteObject', blob),
        onBucket('ListMultipartUploads', 's3:ListBucketMultipartUploads'),
      ];
    }
  }
}

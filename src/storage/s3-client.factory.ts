import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../config/configuration.js';

/**
 * Builds the one S3 client of the process from typed config.
 *
 * Checksums are only computed "when required": with the SDK's default, presigned PUT/UploadPart
 * URLs carry `x-amz-checksum-crc32` of an *empty* body, and R2, S3 and MinIO then reject the
 * real upload (aws-sdk-js-v3 #6810). A test asserts no presigned URL carries a checksum.
 */
export function createS3Client(config: StorageConfig): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

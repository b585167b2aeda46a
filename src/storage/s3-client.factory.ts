import { S3Client } from '@aws-sdk/client-s3';

import type { StorageConfig } from '../config/configuration.js';

/**
 * Builds the one S3 client of the process from typed config.
 *
 * Checksums are only computed "when required": with the SDK's default, URLs presigned through a
 * client carry `x-amz-checksum-crc32` of an *empty* body, and R2, S3 and MinIO then reject the
 * real upload (aws-sdk-js-v3 #6810). Presigning now goes through UrlSigner, which adds none (a
 * test asserts it); the setting keeps the client's own calls free of checksums R2 does not implement.
 *
 * Every call is bounded: the SDK's default handler waits forever on a store that accepts the
 * connection and never answers. `requestTimeout` bounds each attempt until the answer starts (it
 * only logs a warning unless `throwOnRequestTimeout`), `socketTimeout` any silence while the answer
 * streams in, `connectionTimeout` the TCP connect. With `maxAttempts` (timeouts and connection
 * errors are retried), a hung store fails a call within about maxAttempts × requestTimeout, plus
 * the SDK's back-off between attempts (at most 50 ms × 2^n for timeouts and network errors).
 */
export function createS3Client(config: StorageConfig): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: config.maxAttempts,
    requestHandler: {
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: config.requestTimeoutMs,
    },
  });
}

import type { StorageConfig } from '../config/configuration.js';
import { BucketAdmin } from './bucket-admin.js';
import { type BucketCorsRule, uploadCorsRules } from './bucket-cors.js';
import { createS3Client } from './s3-client.factory.js';

/**
 * Puts the upload CORS rules built from the storage settings (`STORAGE_CORS_ORIGINS`,
 * `STORAGE_CORS_MAX_AGE`) on the bucket, and returns the rules the store then reports. The one
 * way the rules reach a bucket: `npm run storage:cors` and `npm run dev` both call it.
 */
export async function applyUploadCors(config: StorageConfig): Promise<BucketCorsRule[]> {
  const client = createS3Client(config);
  try {
    const bucketAdmin = new BucketAdmin(client, config);
    await bucketAdmin.putBucketCors(uploadCorsRules(config.corsOrigins, config.corsMaxAgeSeconds));
    return await bucketAdmin.getBucketCors();
  } finally {
    client.destroy();
  }
}

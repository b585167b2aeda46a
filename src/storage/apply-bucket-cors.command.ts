/*
 * `npm run storage:cors` (and `storage:cors:prod` from dist/): applies the CORS rules browser
 * uploads need to the configured bucket with PutBucketCors, then prints what the store reports.
 * Origins come from STORAGE_CORS_ORIGINS. Reads `.env` like the app.
 */
import { existsSync } from 'node:fs';

import { type StorageConfig, storageConfig } from '../config/configuration.js';
import { InvalidEnvironmentError } from '../config/environment.js';
import { BucketAdmin } from './bucket-admin.js';
import { uploadCorsRules } from './bucket-cors.js';
import { createS3Client } from './s3-client.factory.js';

if (existsSync('.env')) process.loadEnvFile('.env');
let config: StorageConfig;
try {
  config = storageConfig();
} catch (error) {
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const client = createS3Client(config);
const bucketAdmin = new BucketAdmin(client, config);
try {
  await bucketAdmin.putBucketCors(uploadCorsRules(config.corsOrigins, config.corsMaxAgeSeconds));
  const applied = await bucketAdmin.getBucketCors();
  console.log(`CORS rules of bucket "${config.bucket}" at ${config.endpoint}:`);
  console.log(JSON.stringify(applied, null, 2));
} finally {
  client.destroy();
}

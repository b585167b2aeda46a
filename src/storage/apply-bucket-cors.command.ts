/*
 * `npm run storage:cors` (and `storage:cors:prod` from dist/): applies the CORS rules browser
 * uploads need to the configured bucket with PutBucketCors, then prints what the store reports.
 * Origins come from STORAGE_CORS_ORIGINS. Reads `.env` like the app, but validates only the
 * storage settings: it needs no database or JWT secret.
 */
import { existsSync } from 'node:fs';

import { type StorageConfig, storageSettingsOnly } from '../config/configuration.js';
import { InvalidEnvironmentError } from '../config/environment.js';
import { applyUploadCors } from './apply-upload-cors.js';

if (existsSync('.env')) process.loadEnvFile('.env');
let config: StorageConfig;
try {
  config = storageSettingsOnly();
} catch (error) {
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const applied = await applyUploadCors(config);
console.log(`CORS rules of bucket "${config.bucket}" at ${config.endpoint}:`);
console.log(JSON.stringify(applied, null, 2));

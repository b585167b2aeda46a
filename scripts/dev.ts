/*
 * `npm run dev`: the whole service on one machine with nothing but Node and npm. Starts an
 * embedded PostgreSQL and a local S3-compatible server (data kept in ./.data between runs),
 * applies the bucket's CORS rules from STORAGE_CORS_ORIGINS and migrations, and serves the API.
 * No Docker, no cloud account.
 */
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { storageSettingsOnly } from '../src/config/configuration.js';
import { InvalidEnvironmentError } from '../src/config/environment.js';
import { localDevOrigins } from '../src/config/local-dev-origins.js';
import { createMigrationDataSource } from '../src/database/migration-data-source.js';
import { applyUploadCors } from '../src/storage/apply-upload-cors.js';
import { buildExample, EXAMPLE_ROOT } from './build-example.js';
import { startEmbeddedPostgres } from './local-stack/embedded-postgres.js';
import { EMULATOR_CREDENTIALS, startS3Emulator } from './local-stack/s3-emulator.js';
import { serveStaticSite } from './local-stack/static-server.js';

const DATA_DIR = resolve(process.env.DEV_DATA_DIR ?? '.data');
const BUCKET = 'r2-files-dev';
const apiPort = Number(process.env.PORT ?? 3000);
const postgresPort = Number(process.env.DEV_POSTGRES_PORT ?? 54329);
const s3Port = Number(process.env.DEV_S3_PORT ?? 9000);
const examplePort = Number(process.env.DEV_EXAMPLE_PORT ?? 3001);

mkdirSync(DATA_DIR, { recursive: true, mode: 0o755 });

console.log(`Starting embedded PostgreSQL and the local S3 server (data in ${DATA_DIR})...`);
const postgres = await startEmbeddedPostgres({
  dataDir: resolve(DATA_DIR, 'postgres'),
  database: 'r2_files',
  persistent: true,
  port: postgresPort,
});
const s3 = await startS3Emulator({
  directory: resolve(DATA_DIR, 's3'),
  bucket: BUCKET,
  port: s3Port,
  resetOnClose: false,
});
const storageEnv = {
  S3_ENDPOINT: s3.endpoint,
  S3_REGION: 'us-east-1',
  R2_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
  R2_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
  R2_BUCKET_NAME: BUCKET,
  // The local server serves objects without credentials, like an R2 bucket with public access.
  R2_PUBLIC_BASE_URL: `${s3.endpoint}/${BUCKET}`,
};
Object.assign(process.env, storageEnv);
// Browser origins: what is configured, else the local dev servers plus this stack's own ports.
const devOrigins = localDevOrigins([apiPort, examplePort]).join(',');
process.env.STORAGE_CORS_ORIGINS ??= devOrigins;
process.env.API_CORS_ORIGINS ??= devOrigins;

// The bucket's CORS rules, applied at every start exactly as `npm run storage:cors` applies them.
let corsOrigins: string[];
try {
  corsOrigins = (await applyUploadCors(storageSettingsOnly())).flatMap((rule) => rule.allowedOrigins);
} catch (error) {
  await s3.stop();
  await postgres.stop();
  if (!(error instanceof InvalidEnvironmentError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const migrations = createMigrationDataSource(postgres.url);
await migrations.initialize();
const applied = await migrations.runMigrations();
await migrations.destroy();
console.log(`Migrations: ${applied.length ? applied.map((m) => m.name).join(', ') : 'up to date'}`);

Object.assign(process.env, {
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  PORT: String(apiPort),
  DATABASE_URL: postgres.url,
  JWT_SECRET: devJwtSecret(),
});

const { bootstrap } = await import('../src/main.js');
const app = await bootstrap();

const api = `http://localhost:${apiPort}`;
// The browser example on an origin of its own, as a real front end would be (development only).
await buildExample();
const example = await serveStaticSite({ root: EXAMPLE_ROOT, config: { apiUrl: api }, port: examplePort });
console.log(`
r2-files is running (development, embedded stack)
  API       ${api}
  Docs      ${api}/docs   (OpenAPI JSON: ${api}/docs-json)
  Example   http://localhost:${example.port}   (browser uploads with Uppy: examples/browser/)
  Postgres  ${postgres.url}
  S3        ${s3.endpoint}  bucket "${BUCKET}"  (access key ${EMULATOR_CREDENTIALS.accessKeyId}, secret ${EMULATOR_CREDENTIALS.secretAccessKey})
  Bucket CORS origins (STORAGE_CORS_ORIGINS): ${corsOrigins.join(' ')}

Get a token:
  curl -s -X POST ${api}/auth/register -H 'Content-Type: application/json' \\
    -d '{"email":"me@example.com","password":"a long password"}'
(then POST /auth/login with the same body on later runs). Ctrl+C stops everything.
`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await example.stop();
  await app.close();
  await s3.stop();
  await postgres.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

/** A random secret kept in ./.data so tokens stay valid across restarts of the dev stack. */
function devJwtSecret(): string {
  const file = resolve(DATA_DIR, 'dev-jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

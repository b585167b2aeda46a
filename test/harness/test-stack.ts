import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmbeddedPostgres } from '../../scripts/local-stack/embedded-postgres.js';
import { EMULATOR_CREDENTIALS, startS3Emulator } from '../../scripts/local-stack/s3-emulator.js';
import { HARNESS_CORS_ORIGINS } from './harness-cors.js';

export interface TestStack {
  env: Record<string, string>;
  stop(): Promise<void>;
}

const TEST_BUCKET = 'r2-files-test';

/**
 * Real services for the integration and e2e tests: an embedded PostgreSQL and an S3 emulator
 * that verifies SigV4 signatures, each on a free port, or the services named by
 * TEST_DATABASE_URL / TEST_S3_ENDPOINT. Migrations are applied with the real TypeORM CLI.
 */
export async function startTestStack(): Promise<TestStack> {
  const stoppers: (() => Promise<void>)[] = [];
  const runId = `${process.pid}-${Date.now()}`;
  try {
    let databaseUrl = process.env.TEST_DATABASE_URL;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({
        dataDir: join(tmpdir(), `r2-files-test-pg-${runId}`),
        database: 'r2_files_test',
        persistent: false,
        fast: true,
      });
      stoppers.push(() => postgres.stop());
      databaseUrl = postgres.url;
    }

    let storageEnv: Record<string, string>;
    if (process.env.TEST_S3_ENDPOINT) {
      storageEnv = {
        S3_ENDPOINT: process.env.TEST_S3_ENDPOINT,
        R2_ACCESS_KEY_ID: process.env.TEST_S3_ACCESS_KEY_ID ?? 'minioadmin',
        R2_SECRET_ACCESS_KEY: process.env.TEST_S3_SECRET_ACCESS_KEY ?? 'minioadmin',
        R2_BUCKET_NAME: process.env.TEST_S3_BUCKET ?? TEST_BUCKET,
        S3_REGION: process.env.TEST_S3_REGION ?? 'us-east-1',
      };
    } else {
      const s3 = await startS3Emulator({
        directory: join(tmpdir(), `r2-files-test-s3-${runId}`),
        bucket: TEST_BUCKET,
        corsOrigins: HARNESS_CORS_ORIGINS,
        resetOnClose: true,
      });
      stoppers.push(() => s3.stop());
      storageEnv = {
        S3_ENDPOINT: s3.endpoint,
        R2_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        R2_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        R2_BUCKET_NAME: TEST_BUCKET,
        S3_REGION: 'us-east-1',
      };
    }

    await runMigrations(databaseUrl);

    return {
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        // Tests run the sweeper themselves, when they choose.
        SWEEPER_INTERVAL: '0',
        // The suite registers hundreds of users from one IP; the rate-limit test sets its own.
        AUTH_RATE_LIMIT: '100000',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: randomBytes(48).toString('base64'),
        ...storageEnv,
      },
      stop: () => stopAll(stoppers),
    };
  } catch (error) {
    await stopAll(stoppers);
    throw error;
  }
}

async function stopAll(stoppers: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
}

/** Applies migrations through `npm run migration:run`'s command: the CLI users run is the one tested. */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const args = [
    '--import',
    '@swc-node/register/esm-register',
    'node_modules/typeorm/cli.js',
    'migration:run',
    '-d',
    'src/database/data-source.ts',
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migration:run failed (exit ${code}):\n${output}`))));
  });
}

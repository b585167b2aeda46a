/*
 * What `npm run bench` and `npm run bench:ab` share: the embedded stack they run the API against,
 * the store settings it gets, the wait for it to be ready, the tokens they load it with and the
 * Node flags production starts it with.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SignJWT } from 'jose';

import { startEmbeddedPostgres } from '../scripts/local-stack/embedded-postgres.js';
import { EMULATOR_CREDENTIALS } from '../scripts/local-stack/s3-emulator.js';
import { startS3EmulatorProcess } from '../scripts/local-stack/s3-emulator-process.js';
import { createMigrationDataSource } from '../src/database/migration-data-source.js';

/** An embedded PostgreSQL under `dir`/pg, migrated, and the S3 emulator in its own process under `dir`/s3. */
export async function startBenchStack(options: { dir: string; database: string; bucket: string; fast: boolean }) {
  const postgres = await startEmbeddedPostgres({
    dataDir: join(options.dir, 'pg'),
    database: options.database,
    persistent: false,
    fast: options.fast,
  });
  const s3 = await startS3EmulatorProcess({
    directory: join(options.dir, 's3'),
    bucket: options.bucket,
    corsOrigins: ['http://localhost'],
    resetOnClose: true,
  });
  const migrations = createMigrationDataSource(postgres.url);
  await migrations.initialize();
  await migrations.runMigrations();
  await migrations.destroy();
  return { postgres, s3 };
}

/** Access tokens for `count` new user ids, signed as the API signs them (its secret, issuer and audience). */
export function mintAccessTokens(jwtSecret: string, count: number): Promise<string[]> {
  const key = new TextEncoder().encode(jwtSecret);
  return Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT({ email: `bench-${randomUUID()}@example.com` })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(randomUUID())
        .setIssuer('r2-files')
        .setAudience('r2-files')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key),
    ),
  );
}

/** The Node flags production runs the API with: those of `npm start` (the Dockerfile has the same, a test checks). */
export function nodeFlagsOfStartScript(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = /^node ((?:--\S+ )*)dist\/src\/main\.js$/.exec(start)?.[1];
  if (flags === undefined) throw new Error(`the start script is not "node [flags] dist/src/main.js": ${start}`);
  return flags.split(' ').filter(Boolean);
}

/** The store settings of the stack's S3 emulator, as the API (and the seed-style baseline) read them. */
export function storeEnvironment(s3: { endpoint: string }, bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: 'us-east-1',
    R2_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    R2_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    R2_BUCKET_NAME: bucket,
  };
}

/** Resolves once the API at `url` answers `GET /health/ready` (20 s at most). */
export async function waitForReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const ok = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API at ${url} did not become ready`);
}

import { spawnSync } from 'node:child_process';

import { describe, expect, it } from '@jest/globals';

import { uploadCorsRules } from '../src/storage/bucket-cors.js';
import { HARNESS_CORS_ORIGINS } from './harness/harness-cors.js';
import { useTestApp } from './support/test-app.js';

describe('bucket CORS (npm run storage:cors)', () => {
  const t = useTestApp();
  const objectUrl = () => `${process.env.S3_ENDPOINT}/${process.env.R2_BUCKET_NAME}/any-key.png`;
  const preflight = (origin: string) =>
    fetch(objectUrl(), {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    });

  /** Runs `work`, then leaves the shared test bucket's CORS rules as the harness configured them. */
  const restoringCors = async (work: () => void | Promise<void>) => {
    try {
      await work();
    } finally {
      await t.bucketAdmin.putBucketCors(uploadCorsRules(HARNESS_CORS_ORIGINS, 3600));
    }
  };

  const runCommand = (env: Record<string, string | undefined>) =>
    spawnSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/storage/apply-bucket-cors.command.ts'], {
      env,
      encoding: 'utf8',
    });
  /** The harness's storage settings alone: no DATABASE_URL, no JWT_SECRET. */
  const storageEnv = () => ({
    PATH: process.env.PATH,
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(S3_|R2_)/.test(name))),
  });

  it('applies the upload rules with PutBucketCors and prints them, with only the storage settings', () =>
    restoringCors(() => {
      const result = runCommand({ ...storageEnv(), STORAGE_CORS_ORIGINS: 'https://app.example, https://admin.example' });
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      const printed: unknown = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
      expect(printed).toEqual([
        {
          allowedOrigins: ['https://app.example', 'https://admin.example'],
          allowedMethods: ['PUT', 'GET', 'HEAD', 'POST', 'DELETE'],
          allowedHeaders: ['Content-Type'],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: 3600,
        },
      ]);
    }));

  it('reports bad storage settings, and only those, without touching the bucket', async () => {
    const result = runCommand({ ...storageEnv(), R2_BUCKET_NAME: undefined, STORAGE_CORS_ORIGINS: 'app.example', JWT_SECRET: 'short' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (2 problems)');
    expect(result.stderr).toMatch(/R2_BUCKET_NAME is required/);
    expect(result.stderr).toMatch(/STORAGE_CORS_ORIGINS entries must be origins/);
    expect(result.stderr).not.toMatch(/DATABASE_URL|JWT_SECRET/);
    await expect(t.bucketAdmin.getBucketCors()).resolves.toEqual(uploadCorsRules(HARNESS_CORS_ORIGINS, 3600));
  });

  it('makes the store answer browser preflights from the configured origins only', () =>
    restoringCors(async () => {
      await t.bucketAdmin.putBucketCors(uploadCorsRules(['https://app.example'], 600));
      const allowed = await preflight('https://app.example');
      expect(allowed.status).toBe(200);
      // S3 echoes the origin; the emulator answers "*". Either way the other origin below is refused.
      expect(allowed.headers.get('access-control-allow-origin')).toMatch(/^(https:\/\/app\.example|\*)$/);
      expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
      expect((await preflight('https://evil.example')).status).toBe(403);
      expect(await t.bucketAdmin.getBucketCors()).toEqual(uploadCorsRules(['https://app.example'], 600));
    }));
});

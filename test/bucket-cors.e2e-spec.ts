import { spawnSync } from 'node:child_process';

import { describe, expect, it } from '@jest/globals';

import { uploadCorsRules } from '../src/storage/bucket-cors.js';
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
      await t.bucketAdmin.putBucketCors(uploadCorsRules(['http://localhost:5173'], 3600));
    }
  };

  it('applies the upload rules with PutBucketCors and prints them', () =>
    restoringCors(() => {
      const result = spawnSync(
        process.execPath,
        ['--import', '@swc-node/register/esm-register', 'src/storage/apply-bucket-cors.command.ts'],
        { env: { ...process.env, STORAGE_CORS_ORIGINS: 'https://app.example, https://admin.example' }, encoding: 'utf8' },
      );
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      const printed: unknown = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
      expect(printed).toEqual([
        {
          allowedOrigins: ['https://app.example', 'https://admin.example'],
          allowedMethods: ['PUT', 'GET', 'HEAD'],
          allowedHeaders: ['Content-Type'],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: 3600,
        },
      ]);
    }));

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

import { afterEach, describe, expect, it } from '@jest/globals';

import { appConfig, currentEnvironment, storageConfig, storageSettingsOnly, uploadsConfig } from './configuration.js';
import { InvalidEnvironmentError } from './environment.js';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  R2_ACCESS_KEY_ID: 'key',
  R2_SECRET_ACCESS_KEY: 'secret',
  R2_BUCKET_NAME: 'files',
  JWT_SECRET: 'a'.repeat(32),
};

// Each test sets its own process.env; the real one comes back after it.
const saved = process.env;
afterEach(() => {
  process.env = saved;
});

describe('storageConfig', () => {
  it('targets Cloudflare R2 from the account id, region auto, virtual-hosted style', () => {
    process.env = { ...base, R2_ACCOUNT_ID: 'abcdefabcdefabcdefabcdefabcdef12' };
    expect(storageConfig()).toMatchObject({
      endpoint: 'https://abcdefabcdefabcdefabcdefabcdef12.r2.cloudflarestorage.com',
      region: 'auto',
      forcePathStyle: false,
      publicBaseUrl: null,
    });
  });

  it('uses an S3 endpoint override with path-style addressing by default', () => {
    process.env = { ...base, S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_REGION: 'us-east-1' };
    expect(storageConfig()).toMatchObject({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true });
  });
});

describe('storageConfig presign endpoint', () => {
  it('signs URLs for the endpoint clients use, when it differs from the API one', () => {
    process.env = { ...base, S3_ENDPOINT: 'http://minio:9000', S3_PRESIGN_ENDPOINT: 'http://localhost:9000' };
    expect(storageConfig()).toMatchObject({ endpoint: 'http://minio:9000', presignEndpoint: 'http://localhost:9000' });
  });

  it('defaults to the API endpoint', () => {
    process.env = { ...base, S3_ENDPOINT: 'http://127.0.0.1:9000' };
    expect(storageConfig().presignEndpoint).toBe('http://127.0.0.1:9000');
  });
});

describe('storageSettingsOnly (npm run storage:cors)', () => {
  const storageOnly = {
    R2_ACCESS_KEY_ID: 'key',
    R2_SECRET_ACCESS_KEY: 'secret',
    R2_BUCKET_NAME: 'files',
    S3_ENDPOINT: 'http://127.0.0.1:9000',
  };

  it('needs no database or JWT secret, and gives the same settings as the app', () => {
    process.env = { ...storageOnly, STORAGE_CORS_ORIGINS: 'https://app.example' };
    const settings = storageSettingsOnly();
    expect(settings).toMatchObject({ bucket: 'files', corsOrigins: ['https://app.example'], corsMaxAgeSeconds: 3600 });
    process.env = { ...base, ...process.env };
    expect(storageConfig()).toEqual(settings);
  });

  it('lists every storage problem and none of the other variables', () => {
    process.env = { S3_ENDPOINT: 'http://127.0.0.1:9000', STORAGE_CORS_ORIGINS: 'app.example', PORT: 'not a port' };
    const problems = (() => {
      try {
        storageSettingsOnly();
        return [];
      } catch (error) {
        return error instanceof InvalidEnvironmentError ? error.problems : [String(error)];
      }
    })();
    expect(problems.map((problem) => problem.split(/[ :]/)[0]).sort()).toEqual([
      'R2_ACCESS_KEY_ID',
      'R2_BUCKET_NAME',
      'R2_SECRET_ACCESS_KEY',
      'STORAGE_CORS_ORIGINS',
    ]);
  });

  it('defaults the bucket origins to local dev servers on localhost and 127.0.0.1', () => {
    process.env = { ...storageOnly };
    expect(storageSettingsOnly().corsOrigins).toEqual(
      expect.arrayContaining([
        'http://localhost:3000',
        'http://127.0.0.1:3000',
        'http://localhost:5173',
        'http://127.0.0.1:5173',
        'http://127.0.0.1:8080',
      ]),
    );
  });
});

describe('currentEnvironment', () => {
  it('validates once for every namespace, and again only when a variable changes', () => {
    process.env = { ...base, S3_ENDPOINT: 'http://127.0.0.1:9000', PORT: '8080' };
    const validated = currentEnvironment();
    expect([appConfig().port, storageConfig().endpoint, uploadsConfig().maxSize]).toEqual([
      8080,
      'http://127.0.0.1:9000',
      100 * 1024 * 1024,
    ]);
    // The namespaces above reused the one validation: the same object, not an equal copy.
    expect(currentEnvironment()).toBe(validated);

    process.env = { ...process.env, PORT: '8081' };
    expect(currentEnvironment()).not.toBe(validated);
    expect(appConfig().port).toBe(8081);
  });

  it('keeps no result of a failed validation: the next call sees the fixed environment', () => {
    process.env = { ...base, S3_ENDPOINT: 'http://127.0.0.1:9000', PORT: 'not a port' };
    expect(() => currentEnvironment()).toThrow(InvalidEnvironmentError);
    process.env = { ...base, S3_ENDPOINT: 'http://127.0.0.1:9000', PORT: '8082' };
    expect(currentEnvironment().PORT).toBe(8082);
  });
});

import { describe, expect, it } from '@jest/globals';

import { InvalidEnvironmentError, validateEnvironment } from './environment.js';

const valid = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  R2_ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
  R2_ACCESS_KEY_ID: 'key',
  R2_SECRET_ACCESS_KEY: 'secret',
  R2_BUCKET_NAME: 'my-neon-app-files',
  JWT_SECRET: 'a'.repeat(32),
};

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnvironment(raw);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) return error.problems;
    throw error;
  }
  throw new Error('expected the environment to be refused');
}

describe('validateEnvironment', () => {
  it("accepts the seed guide's variables unchanged and fills in defaults", () => {
    const env = validateEnvironment({ ...valid, R2_PUBLIC_BASE_URL: 'https://pub-123.r2.dev/' });
    expect(env).toMatchObject({
      PORT: 3000,
      NODE_ENV: 'development',
      JWT_EXPIRES_IN: 3600,
      PRESIGN_EXPIRES_IN: 300,
      R2_PUBLIC_BASE_URL: 'https://pub-123.r2.dev',
      S3_REGION: 'auto',
    });
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it('converts numbers and booleans from strings', () => {
    const env = validateEnvironment({ ...valid, PORT: '8080', S3_ENDPOINT: 'http://localhost:9000', S3_FORCE_PATH_STYLE: 'false' });
    expect(env.PORT).toBe(8080);
    expect(env.S3_FORCE_PATH_STYLE).toBe(false);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', JWT_SECRET: 'short' });
    const text = problems.join('\n');
    for (const name of [
      'DATABASE_URL',
      'R2_ACCOUNT_ID',
      'R2_ACCESS_KEY_ID',
      'R2_SECRET_ACCESS_KEY',
      'R2_BUCKET_NAME',
      'JWT_SECRET',
      'PORT',
    ]) {
      expect(text).toContain(name);
    }
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });

  it('refuses a short JWT secret without echoing it', () => {
    const problems = problemsOf({ ...valid, JWT_SECRET: 'hunter2-hunter2' });
    expect(problems).toEqual([expect.stringContaining('JWT_SECRET must be at least 32 characters')]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('needs either an R2 account id or an S3 endpoint', () => {
    const { R2_ACCOUNT_ID: _omitted, ...withoutAccount } = valid;
    expect(problemsOf(withoutAccount)).toEqual([expect.stringContaining('R2_ACCOUNT_ID')]);
    expect(validateEnvironment({ ...withoutAccount, S3_ENDPOINT: 'http://127.0.0.1:9000' }).S3_ENDPOINT).toBe('http://127.0.0.1:9000');
  });

  it('needs the external issuer and audience together with a JWKS URL', () => {
    const problems = problemsOf({ ...valid, AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' }).join('\n');
    expect(problems).toContain('AUTH_EXTERNAL_ISSUER');
    expect(problems).toContain('AUTH_EXTERNAL_AUDIENCE');
    const env = validateEnvironment({
      ...valid,
      AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      AUTH_EXTERNAL_ISSUER: 'https://idp.example.com/',
      AUTH_EXTERNAL_AUDIENCE: 'api',
    });
    expect(env.AUTH_EXTERNAL_AUDIENCE).toBe('api');
  });

  it('bounds every wait on the database and the store by default, the query timeout beyond the statement timeout', () => {
    expect(validateEnvironment(valid)).toMatchObject({
      DATABASE_CONNECT_TIMEOUT: 10_000,
      DATABASE_STATEMENT_TIMEOUT: 5_000,
      DATABASE_QUERY_TIMEOUT: 8_000,
      STORAGE_CONNECT_TIMEOUT: 3_000,
      STORAGE_REQUEST_TIMEOUT: 10_000,
      STORAGE_MAX_ATTEMPTS: 2,
    });
    expect(problemsOf({ ...valid, DATABASE_STATEMENT_TIMEOUT: '9000' })).toEqual([
      'DATABASE_QUERY_TIMEOUT must be greater than DATABASE_STATEMENT_TIMEOUT',
    ]);
    expect(
      validateEnvironment({ ...valid, DATABASE_STATEMENT_TIMEOUT: '9000', DATABASE_QUERY_TIMEOUT: '12000' }).DATABASE_QUERY_TIMEOUT,
    ).toBe(12_000);
  });

  it('bounds slow clients by default, the whole request at least as long as its headers', () => {
    expect(validateEnvironment(valid)).toMatchObject({
      HTTP_HEADERS_TIMEOUT: 10_000,
      HTTP_REQUEST_TIMEOUT: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT: 5_000,
    });
    expect(problemsOf({ ...valid, HTTP_HEADERS_TIMEOUT: '60000' })).toEqual(['HTTP_REQUEST_TIMEOUT must be at least HTTP_HEADERS_TIMEOUT']);
  });

  it.each([
    ['STORAGE_MAX_ATTEMPTS', '0'],
    ['STORAGE_REQUEST_TIMEOUT', '10'],
    ['DATABASE_QUERY_TIMEOUT', 'soon'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['R2_BUCKET_NAME', 'Not_A_Bucket'],
    ['R2_PUBLIC_BASE_URL', 'pub-123.r2.dev'],
    ['S3_ENDPOINT', 'ftp://example.com'],
    ['PRESIGN_EXPIRES_IN', '604801'],
    ['JWT_EXPIRES_IN', '10'],
    ['NODE_ENV', 'staging'],
  ])('refuses an invalid %s', (name, value) => {
    expect(problemsOf({ ...valid, [name]: value }).join()).toContain(name);
  });
});

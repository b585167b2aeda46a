import { type ConfigType, registerAs } from '@nestjs/config';

import { type Environment, validateEnvironment } from './environment.js';

/*
 * Typed configuration namespaces. Each one is derived from the validated environment, so a
 * value read through them is always present and of the right type.
 */

let validated: { variables: NodeJS.ProcessEnv; environment: Environment } | undefined;

/**
 * `process.env`, validated once for all the namespaces (and main.ts's fail-fast check): the result
 * is kept until a variable changes, so a boot validates once, and a test that boots another app
 * with other variables gets them validated afresh. Throws `InvalidEnvironmentError` listing every problem.
 */
export function currentEnvironment(): Environment {
  if (!validated || !sameVariables(validated.variables, process.env)) {
    const variables = { ...process.env };
    validated = { variables, environment: validateEnvironment(variables) };
  }
  return validated.environment;
}

function sameVariables(a: NodeJS.ProcessEnv, b: NodeJS.ProcessEnv): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

export const appConfig = registerAs('app', () => {
  const env = currentEnvironment();
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    isProduction: env.NODE_ENV === 'production',
    corsOrigins: env.API_CORS_ORIGINS,
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT,
    },
  };
});

export const databaseConfig = registerAs('database', () => {
  const env = currentEnvironment();
  return {
    url: env.DATABASE_URL,
    poolMax: env.DATABASE_POOL_MAX,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT,
    idleTimeoutMs: env.DATABASE_IDLE_TIMEOUT,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT,
    queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT,
  };
});

/** The variables the storage settings are made of: all that `npm run storage:cors` validates. */
const STORAGE_VARIABLES = [
  'S3_ENDPOINT',
  'R2_ACCOUNT_ID',
  'S3_PRESIGN_ENDPOINT',
  'S3_REGION',
  'S3_FORCE_PATH_STYLE',
  'R2_BUCKET_NAME',
  'R2_ACCESS_KEY_ID',
  'R2_SECRET_ACCESS_KEY',
  'R2_PUBLIC_BASE_URL',
  'STORAGE_CORS_ORIGINS',
  'STORAGE_CORS_MAX_AGE',
  'STORAGE_CONNECT_TIMEOUT',
  'STORAGE_REQUEST_TIMEOUT',
  'STORAGE_MAX_ATTEMPTS',
] as const satisfies readonly (keyof Environment)[];

function toStorageConfig(env: Pick<Environment, (typeof STORAGE_VARIABLES)[number]>) {
  const endpoint = env.S3_ENDPOINT ?? `https://${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`;
  return {
    endpoint,
    presignEndpoint: env.S3_PRESIGN_ENDPOINT ?? endpoint,
    region: env.S3_ENDPOINT ? env.S3_REGION : 'auto',
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
    bucket: env.R2_BUCKET_NAME,
    accessKeyId: env.R2_ACCESS_KEY_ID,
    secretAccessKey: env.R2_SECRET_ACCESS_KEY,
    publicBaseUrl: env.R2_PUBLIC_BASE_URL ?? null,
    corsOrigins: env.STORAGE_CORS_ORIGINS,
    corsMaxAgeSeconds: env.STORAGE_CORS_MAX_AGE,
    connectTimeoutMs: env.STORAGE_CONNECT_TIMEOUT,
    requestTimeoutMs: env.STORAGE_REQUEST_TIMEOUT,
    maxAttempts: env.STORAGE_MAX_ATTEMPTS,
  };
}

export const storageConfig = registerAs('storage', () => toStorageConfig(currentEnvironment()));

/**
 * The storage settings from `process.env`, validating only the variables they are made of: for
 * tools that talk to the bucket alone (`npm run storage:cors`, the dev stack before the API starts).
 * Throws `InvalidEnvironmentError` listing every storage problem.
 */
export function storageSettingsOnly(): StorageConfig {
  return toStorageConfig(validateEnvironment(process.env, STORAGE_VARIABLES));
}

export const authConfig = registerAs('auth', () => {
  const env = currentEnvironment();
  return {
    jwtSecret: env.JWT_SECRET,
    expiresInSeconds: env.JWT_EXPIRES_IN,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    rateLimit: { limit: env.AUTH_RATE_LIMIT, windowSeconds: env.AUTH_RATE_WINDOW },
    external:
      env.AUTH_JWKS_URL && env.AUTH_EXTERNAL_ISSUER && env.AUTH_EXTERNAL_AUDIENCE
        ? {
            jwksUrl: env.AUTH_JWKS_URL,
            issuer: env.AUTH_EXTERNAL_ISSUER,
            audience: env.AUTH_EXTERNAL_AUDIENCE,
            cooldownSeconds: env.AUTH_JWKS_COOLDOWN,
          }
        : null,
  };
});

export const uploadsConfig = registerAs('uploads', () => {
  const env = currentEnvironment();
  return {
    presignExpiresInSeconds: env.PRESIGN_EXPIRES_IN,
    downloadExpiresInSeconds: env.DOWNLOAD_URL_EXPIRES_IN,
    maxSize: env.UPLOAD_MAX_SIZE,
    allowedTypes: env.UPLOAD_ALLOWED_TYPES,
    requireSize: env.UPLOAD_REQUIRE_SIZE,
    confirmWindowSeconds: env.UPLOAD_CONFIRM_WINDOW,
    maxPendingPerUser: env.UPLOAD_MAX_PENDING_PER_USER,
    multipart: {
      partSize: env.MULTIPART_PART_SIZE,
      urlsPerRequest: env.MULTIPART_URLS_PER_REQUEST,
      urlExpiresInSeconds: env.MULTIPART_URL_EXPIRES_IN,
      ttlSeconds: env.MULTIPART_UPLOAD_TTL,
    },
  };
});

export const sweeperConfig = registerAs('sweeper', () => {
  const env = currentEnvironment();
  return { intervalSeconds: env.SWEEPER_INTERVAL, graceSeconds: env.SWEEPER_GRACE, batchSize: env.SWEEPER_BATCH_SIZE };
});

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type StorageConfig = ConfigType<typeof storageConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type UploadsConfig = ConfigType<typeof uploadsConfig>;
export type SweeperConfig = ConfigType<typeof sweeperConfig>;

import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';

import { MAX_OBJECT_BYTES, MIN_PART_BYTES, SINGLE_PUT_MAX_BYTES } from '../common/object-size-limits.js';
import { localDevOrigins } from './local-dev-origins.js';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const stripTrailingSlash = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : undefined;

const MEDIA_TYPE_PATTERN_OR_WILDCARD = /^(\*\/\*|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/;
const parseMediaTypeList = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);

/** A whole number within [min, max], given as a string in the environment. */
function IntegerSetting(min: number, max: number): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    for (const decorate of [Max(max), Min(min), IsInt(), Transform(toInt)]) decorate(target, property);
  };
}

/** A comma-separated list of web origins (`https://app.example.com`) or `*`. */
function OriginList(name: string): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    const decorators = [
      Matches(/^(\*|https?:\/\/[^/\s]+)$/, { each: true, message: `${name} entries must be origins like https://app.example.com (or *)` }),
      IsArray(),
      Transform(({ value }: { value: unknown }) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((origin) => origin.trim())
              .filter(Boolean)
          : value,
      ),
    ];
    for (const decorate of decorators) decorate(target, property);
  };
}

/** A whole number that must be greater than (or, with `orEqual`, at least) another setting's, when that one is valid. */
function GreaterThanSetting(other: keyof Environment, orEqual = false): PropertyDecorator {
  return ValidateBy({
    name: 'greaterThanSetting',
    validator: {
      validate: (value: unknown, args) => {
        const bound = (args?.object as Record<string, unknown>)[other];
        return typeof bound !== 'number' || (typeof value === 'number' && (orEqual ? value >= bound : value > bound));
      },
      defaultMessage: (args) => `${args?.property} must be ${orEqual ? 'at least' : 'greater than'} ${other}`,
    },
  });
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every environment variable the service reads, with its rules. The seed guide's names
 * (`R2_*`, `DATABASE_URL`) work unchanged; the rest have defaults suited to local development.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerSetting(0, 65535)
  PORT = 3000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// connection string' })
  DATABASE_URL!: string;

  @IntegerSetting(1, 100)
  DATABASE_POOL_MAX = 10;

  /**
   * Milliseconds to wait for a pooled connection: a free one, or a new one to be established (a
   * suspended Neon compute takes a few seconds to wake). Past it the request is a 503.
   */
  @IntegerSetting(100, 120_000)
  DATABASE_CONNECT_TIMEOUT = 10_000;

  /** Milliseconds an unused pooled connection is kept (short: Neon's pooler multiplexes them). */
  @IntegerSetting(1000, 3_600_000)
  DATABASE_IDLE_TIMEOUT = 10_000;

  /** Milliseconds a single statement may run before PostgreSQL cancels it (the API's statements take milliseconds). */
  @IntegerSetting(100, 600_000)
  DATABASE_STATEMENT_TIMEOUT = 5_000;

  /**
   * Milliseconds the API waits for the answer to one query before it gives up on the connection:
   * the bound when the database or the network hangs (the server cannot cancel anything then).
   * Longer than the statement timeout, so a slow statement gets PostgreSQL's own clean cancel
   * first, with a margin for a pooled (`-pooler`) connection whose compute is waking up.
   */
  @IntegerSetting(100, 600_000)
  @GreaterThanSetting('DATABASE_STATEMENT_TIMEOUT')
  DATABASE_QUERY_TIMEOUT = 8_000;

  /**
   * Milliseconds to establish a connection to the object store. Each attempt of a store call is
   * bounded by STORAGE_REQUEST_TIMEOUT as a whole; this one only fails faster on an unreachable host.
   */
  @IntegerSetting(100, 60_000)
  STORAGE_CONNECT_TIMEOUT = 3_000;

  /**
   * Milliseconds one attempt of a store call may take until the store starts answering, and the
   * longest silence while its answer streams in. Large multipart completes are the slowest calls.
   */
  @IntegerSetting(100, 300_000)
  STORAGE_REQUEST_TIMEOUT = 10_000;

  /**
   * Attempts per store call (1 = no retry). A hung store answers 503 within about
   * STORAGE_MAX_ATTEMPTS × STORAGE_REQUEST_TIMEOUT (plus < 1 s of back-off between attempts).
   */
  @IntegerSetting(1, 10)
  STORAGE_MAX_ATTEMPTS = 2;

  /** Cloudflare account id: the endpoint becomes https://<id>.r2.cloudflarestorage.com. */
  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.S3_ENDPOINT === undefined || env.R2_ACCOUNT_ID !== undefined)
  @Matches(/^[a-f0-9]{32}$/i, { message: 'R2_ACCOUNT_ID must be a 32-character hex Cloudflare account id (or set S3_ENDPOINT)' })
  R2_ACCOUNT_ID?: string;

  @IsString()
  @MinLength(1)
  R2_ACCESS_KEY_ID!: string;

  @IsString()
  @MinLength(1)
  R2_SECRET_ACCESS_KEY!: string;

  @Matches(/^(?!-)[a-z0-9.-]{3,63}(?<!-)$/, {
    message: 'R2_BUCKET_NAME must be 3-63 characters of lowercase letters, digits, dots and hyphens',
  })
  R2_BUCKET_NAME!: string;

  /** Public bucket URL (r2.dev or custom domain). Unset means a private bucket. */
  @Transform(stripTrailingSlash)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'R2_PUBLIC_BASE_URL must be an http(s) URL' })
  R2_PUBLIC_BASE_URL?: string;

  /** Any S3-compatible endpoint (MinIO, emulators, AWS). Overrides the R2 endpoint. */
  @Transform(stripTrailingSlash)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  /**
   * Endpoint written into presigned URLs, when clients reach the store by another address than
   * the API does (Docker: the API calls http://minio:9000, browsers http://localhost:9000).
   */
  @Transform(stripTrailingSlash)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'S3_PRESIGN_ENDPOINT must be an http(s) URL' })
  S3_PRESIGN_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  S3_REGION = 'auto';

  /** Defaults to true when S3_ENDPOINT is set (MinIO and emulators need path-style URLs). */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'S3_FORCE_PATH_STYLE must be true or false' })
  S3_FORCE_PATH_STYLE?: boolean;

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters (generate one with: openssl rand -base64 48)' })
  JWT_SECRET!: string;

  /** Access-token lifetime in seconds. */
  @IntegerSetting(60, 86400)
  JWT_EXPIRES_IN = 3600;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  JWT_ISSUER = 'r2-files';

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  JWT_AUDIENCE = 'r2-files';

  /**
   * JWKS of an external identity provider (Neon Auth, Auth0, Clerk, Keycloak...). When set, RS256
   * and ES256 access tokens from that issuer are accepted besides the API's own.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  /** `iss` of the external provider's tokens (required with AUTH_JWKS_URL). */
  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.AUTH_JWKS_URL !== undefined || env.AUTH_EXTERNAL_ISSUER !== undefined)
  @IsString({ message: 'AUTH_EXTERNAL_ISSUER must be set when AUTH_JWKS_URL is' })
  @MinLength(1)
  AUTH_EXTERNAL_ISSUER?: string;

  /** `aud` the external provider's tokens must carry for this API (required with AUTH_JWKS_URL). */
  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.AUTH_JWKS_URL !== undefined || env.AUTH_EXTERNAL_AUDIENCE !== undefined)
  @IsString({ message: 'AUTH_EXTERNAL_AUDIENCE must be set when AUTH_JWKS_URL is' })
  @MinLength(1)
  AUTH_EXTERNAL_AUDIENCE?: string;

  /** Seconds between two JWKS refetches triggered by an unknown key id (rotation pick-up vs abuse). */
  @IntegerSetting(0, 3600)
  AUTH_JWKS_COOLDOWN = 30;

  /** Lifetime of presigned upload URLs in seconds (SigV4 allows at most 7 days). */
  @IntegerSetting(1, 604800)
  PRESIGN_EXPIRES_IN = 300;

  /** Origins of web apps allowed to call the API from a browser (CORS); `*` allows any. Default: local dev servers. */
  @OriginList('API_CORS_ORIGINS')
  API_CORS_ORIGINS: string[] = localDevOrigins();

  /** Requests per client IP to each of /auth/register and /auth/login within AUTH_RATE_WINDOW. */
  @IntegerSetting(1, 1_000_000)
  AUTH_RATE_LIMIT = 10;

  /** The rate-limit window in seconds. */
  @IntegerSetting(1, 86400)
  AUTH_RATE_WINDOW = 60;

  /** Milliseconds a client gets to send the request line and headers (slow-client protection). */
  @IntegerSetting(100, 600_000)
  HTTP_HEADERS_TIMEOUT = 10_000;

  /** Milliseconds a client gets to send its whole request, body included (bodies are 16 KB at most). */
  @IntegerSetting(100, 3_600_000)
  @GreaterThanSetting('HTTP_HEADERS_TIMEOUT', true)
  HTTP_REQUEST_TIMEOUT = 30_000;

  /** Milliseconds an idle keep-alive connection stays open; behind a load balancer, longer than its idle timeout. */
  @IntegerSetting(0, 3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT = 5_000;

  /** Seconds in-flight requests get to finish after SIGTERM before connections are cut. */
  @IntegerSetting(0, 600)
  SHUTDOWN_TIMEOUT = 10;

  /**
   * Origins of the web apps that upload from a browser: applied to the bucket by `npm run storage:cors`
   * and by `npm run dev` at every start. Default: local dev servers.
   */
  @OriginList('STORAGE_CORS_ORIGINS')
  @ArrayNotEmpty({ message: 'STORAGE_CORS_ORIGINS must list at least one origin' })
  STORAGE_CORS_ORIGINS: string[] = localDevOrigins();

  /** How long browsers may cache the bucket's CORS preflight answers, in seconds. */
  @IntegerSetting(0, 86400)
  STORAGE_CORS_MAX_AGE = 3600;

  /** Preferred multipart part size in bytes (5 MiB – 5 GiB); grown when a file would need more than 10,000 parts. */
  @IntegerSetting(MIN_PART_BYTES, SINGLE_PUT_MAX_BYTES)
  MULTIPART_PART_SIZE = 16 * 1024 * 1024;

  /** Part URLs returned per request (the first ones at start, more on request). */
  @IntegerSetting(1, 1000)
  MULTIPART_URLS_PER_REQUEST = 100;

  /** Lifetime of presigned part URLs in seconds. */
  @IntegerSetting(60, 604800)
  MULTIPART_URL_EXPIRES_IN = 3600;

  /** Seconds a multipart upload may take from start to complete before the sweeper aborts it. */
  @IntegerSetting(60, 30 * 86400)
  MULTIPART_UPLOAD_TTL = 86400;

  /** Lifetime of presigned download URLs in seconds (at most 7 days). */
  @IntegerSetting(1, 604800)
  DOWNLOAD_URL_EXPIRES_IN = 3600;

  /** Largest accepted file in bytes (single PUT uploads stop at 5 GiB whatever this says). */
  @IntegerSetting(1, MAX_OBJECT_BYTES)
  UPLOAD_MAX_SIZE = 100 * 1024 * 1024;

  // Comma-separated media types clients may upload: exact (image/png) or wildcards (image/*, */*).
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? parseMediaTypeList(value) : value))
  @IsArray()
  @ArrayNotEmpty({ message: 'UPLOAD_ALLOWED_TYPES must list at least one media type' })
  @Matches(MEDIA_TYPE_PATTERN_OR_WILDCARD, { each: true, message: 'UPLOAD_ALLOWED_TYPES entries must look like image/png, image/* or */*' })
  UPLOAD_ALLOWED_TYPES: string[] = ['*/*'];

  /** Require `size` in presign requests, so every upload URL has a signed Content-Length. */
  @Transform(toBool)
  @IsBoolean({ message: 'UPLOAD_REQUIRE_SIZE must be true or false' })
  UPLOAD_REQUIRE_SIZE = false;

  /** Seconds after its URL expires that an upload may still be confirmed (a long PUT may end late). */
  @IntegerSetting(0, 7 * 86400)
  UPLOAD_CONFIRM_WINDOW = 3600;

  /** Uploads a user may have started but not confirmed at once. */
  @IntegerSetting(1, 100000)
  UPLOAD_MAX_PENDING_PER_USER = 100;

  /** Seconds between two runs of the cleanup sweeper; 0 turns it off on this instance. */
  @IntegerSetting(0, 86400)
  SWEEPER_INTERVAL = 300;

  /** Extra seconds an expired pending upload is kept before the sweeper removes it. */
  @IntegerSetting(0, 30 * 86400)
  SWEEPER_GRACE = 600;

  /** Pending uploads removed per sweeper transaction. */
  @IntegerSetting(1, 1000)
  SWEEPER_BATCH_SIZE = 100;
}

/** Thrown at boot with every configuration problem, one per line. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'InvalidEnvironmentError';
  }
}

/** Validates and converts the raw environment; throws `InvalidEnvironmentError` listing every problem. */
export function validateEnvironment(raw: Record<string, unknown>): Environment;
/**
 * Validates only the named variables (a command that needs the storage settings alone must not
 * demand a database): the result holds those, converted, and defaults; nothing else is checked.
 */
export function validateEnvironment<Name extends keyof Environment>(
  raw: Record<string, unknown>,
  only: readonly Name[],
): Pick<Environment, Name>;
export function validateEnvironment(raw: Record<string, unknown>, only?: readonly (keyof Environment)[]): Partial<Environment> {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: true }).filter(
    (error) => !only || only.includes(error.property as keyof Environment),
  );
  if (errors.length > 0) throw new InvalidEnvironmentError(errors.flatMap(describe));
  return env;
}

/** How to fix a missing variable, for the ones that have no default. */
const REQUIRED_HINTS: Partial<Record<keyof Environment, string>> = {
  DATABASE_URL: 'a postgres:// connection string, e.g. the one Neon gives (with ?sslmode=require)',
  R2_ACCOUNT_ID: 'your Cloudflare account id, or set S3_ENDPOINT for MinIO and other S3-compatible stores',
  R2_ACCESS_KEY_ID: 'the access key id of an R2 API token (Object Read & Write)',
  R2_SECRET_ACCESS_KEY: 'the secret access key of that R2 API token',
  R2_BUCKET_NAME: 'the name of the bucket files are uploaded to',
  JWT_SECRET: 'at least 32 random characters, e.g. from: openssl rand -base64 48',
};

/** One line per variable. Values are never echoed: they may be secrets. */
function describe(error: ValidationError): string[] {
  const name = error.property as keyof Environment;
  if (error.value === undefined) {
    const hint = REQUIRED_HINTS[name];
    return [hint ? `${name} is required: ${hint}` : `${name} is required`];
  }
  return [
    Object.values(error.constraints ?? {})
      .reverse()
      .join('; '),
  ];
}

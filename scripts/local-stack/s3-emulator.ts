import { mkdirSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';

// `@20minutes/s3rver` is CommonJS without types; it is the emulator that verifies SigV4 signatures
// and signed Content-Length (../shared/notes/local-stack.md), so tests catch badly signed URLs.
const require = createRequire(import.meta.url);
fixQueryCanonicalization();
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

/** The emulator's fixed credentials: any other key pair is rejected with 403. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3EmulatorOptions {
  directory: string;
  bucket: string;
  corsOrigins: string[];
  port?: number;
  /** Wipe the stored objects when the server closes (tests). */
  resetOnClose: boolean;
}

export interface RunningS3Emulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startS3Emulator(options: S3EmulatorOptions): Promise<RunningS3Emulator> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    resetOnClose: options.resetOnClose,
    configureBuckets: [{ name: options.bucket, configs: [Buffer.from(corsXml(options.corsOrigins))] }],
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => server.close() };
}

/** The CORS rules a browser upload needs: PUT with a Content-Type, GET/HEAD, and a readable ETag. */
function corsXml(origins: string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('');
  return (
    '<CORSConfiguration><CORSRule>' +
    allowed +
    '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>' +
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds>' +
    '</CORSRule></CORSConfiguration>'
  );
}

/**
 * The emulator builds the canonical query string of a presigned URL with `encodeURIComponent`,
 * which leaves `'()*!` unencoded; SigV4 (and so R2, S3, MinIO and the AWS SDK) encodes them. Any
 * URL whose query holds one of them — e.g. `response-content-disposition` with RFC 6266
 * `filename*=UTF-8''…` — would be refused by the emulator alone. Load its authentication module
 * with the RFC 3986 encoder it already ships, before the emulator itself is loaded.
 */
function fixQueryCanonicalization(): void {
  const path = require.resolve('@20minutes/s3rver/lib/middleware/authentication.js');
  const source = readFileSync(path, 'utf8');
  const buggy = '[param, value].map(encodeURIComponent)';
  if (!source.includes(buggy)) return; // a fixed emulator version: nothing to do
  const patched = source.replace(buggy, "[param, value].map(require('../utils').encodeURIComponentRFC3986)");
  const NodeModule = Module as unknown as {
    new (id: string, parent: unknown): { filename: string; paths: string[]; loaded: boolean; _compile(code: string, file: string): void };
    _nodeModulePaths(dir: string): string[];
  };
  const module = new NodeModule(path, null);
  module.filename = path;
  module.paths = NodeModule._nodeModulePaths(dirname(path));
  module._compile(patched, path);
  module.loaded = true;
  (require.cache as Record<string, unknown>)[path] = module;
}

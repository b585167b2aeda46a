import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';

// `@20minutes/s3rver` is CommonJS without types; it is the emulator that verifies SigV4 signatures
// and signed Content-Length (../shared/notes/local-stack.md), so tests catch badly signed URLs.
const require = createRequire(import.meta.url);
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

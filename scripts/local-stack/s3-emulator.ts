import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { corsRulesToXml, uploadCorsRules } from '../../src/storage/bucket-cors.js';

// `@20minutes/s3rver` is CommonJS without types; it is the emulator that verifies SigV4 signatures
// and signed Content-Length (ADR 0004: the no-Docker stack), so tests catch badly signed URLs.
const require = createRequire(import.meta.url);
fixSignatureCanonicalization();
const S3rver = require('@20minutes/s3rver') as new (options: Record<string, unknown>) => EmulatorServer;
// Its CORS headers and SigV4 check (patched above), applied to the operations added below too.
const cors = (require('@20minutes/s3rver/lib/middleware/cors.js') as () => KoaMiddleware)();
const authenticate = (require('@20minutes/s3rver/lib/middleware/authentication.js') as () => KoaMiddleware)();

interface EmulatorServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  middleware: KoaMiddleware[];
  store: EmulatorStore;
}
interface EmulatorStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putContent(path: string, content: unknown): Promise<[number, string]>;
  putPart(bucket: string, uploadId: string, partNumber: string | number, content: unknown): Promise<{ size: number; md5: string }>;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  status: number;
  body: unknown;
  type: string;
}

/** The emulator's fixed credentials: any other key pair is rejected with 403. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3EmulatorOptions {
  directory: string;
  bucket: string;
  /** Origins of the bucket's upload CORS rules at start; none: the caller applies them (`applyUploadCors`). */
  corsOrigins?: string[];
  port?: number;
  /** Remove the directory and every stored object when the server closes (tests, benchmarks). */
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
    // Removed below instead: the emulator's own reset uses fs.rmdirSync({ recursive }), which Node
    // deprecates with a warning in every run's output.
    resetOnClose: false,
    configureBuckets: [
      {
        name: options.bucket,
        configs: options.corsOrigins ? [Buffer.from(corsRulesToXml(uploadCorsRules(options.corsOrigins, 3600)))] : [],
      },
    ],
  });
  addMultipartOperations(server);
  writePartsAtomically(server.store);
  const { port } = await server.run();
  const stop = async () => {
    await server.close();
    if (options.resetOnClose) await rm(options.directory, { recursive: true, force: true });
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}

/**
 * Two places where the emulator's SigV4 check disagrees with SigV4 (and so with R2, S3, MinIO and
 * the AWS SDK), fixed in its authentication module before the emulator is loaded:
 * - the canonical query string is built with `encodeURIComponent`, which leaves `'()*!` unencoded,
 *   so a URL carrying e.g. `response-content-disposition` with RFC 6266 `filename*=UTF-8''…` fails;
 * - the trailing "/" of bucket-level paths (`/bucket/?cors`) is dropped from the canonical URI, so
 *   bucket calls such as PutBucketCors and ListObjectsV2 fail.
 * Each fix applies only if the buggy code is found as expected (a fixed version needs none).
 */
function fixSignatureCanonicalization(): void {
  const path = require.resolve('@20minutes/s3rver/lib/middleware/authentication.js');
  let source = readFileSync(path, 'utf8');
  const fixes: [string, string][] = [
    ['[param, value].map(encodeURIComponent)', "[param, value].map(require('../utils').encodeURIComponentRFC3986)"],
    [
      '    canonicalizedResource = canonicalizedResource\n',
      "    if (ctx.params.bucket && !ctx.params.key && ctx.path.endsWith('/')) canonicalizedResource += '/'\n    canonicalizedResource = canonicalizedResource\n",
    ],
  ];
  const applicable = fixes.filter(([buggy]) => source.includes(buggy));
  if (applicable.length === 0) return;
  for (const [buggy, fixed] of applicable) source = source.replace(buggy, fixed);
  const NodeModule = Module as unknown as {
    new (id: string, parent: unknown): { filename: string; paths: string[]; loaded: boolean; _compile(code: string, file: string): void };
    _nodeModulePaths(dir: string): string[];
  };
  const module = new NodeModule(path, null);
  module.filename = path;
  module.paths = NodeModule._nodeModulePaths(dirname(path));
  module._compile(source, path);
  module.loaded = true;
  (require.cache as Record<string, unknown>)[path] = module;
}

/**
 * ListParts, AbortMultipartUpload and ListMultipartUploads, which the emulator lacks (it answers
 * 405 or 501) and R2, S3 and MinIO support: resuming, aborting and sweeping multipart uploads must
 * be testable against a real server. Served from the emulator's own upload folders
 * (`uploads/<uploadId>/key`, `<partNumber>` and `.md5`), ahead of its router; ListMultipartUploads
 * answers in one page (no markers). Path-style requests only, as the harness and the dev stack use.
 * Like every other operation they must be signed (SDK header or presigned URL, checked by the
 * emulator's own SigV4 check); unlike the emulator's other operations an unsigned request is refused,
 * as on a private R2 bucket: the API presigns them for browsers, so a broken signature must fail here.
 */
function addMultipartOperations(server: EmulatorServer): void {
  const xml = (ctx: KoaContext, status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  };
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  const signed = (ctx: KoaContext) => 'X-Amz-Algorithm' in ctx.query || Boolean(ctx.headers.authorization);
  const accessDenied = (ctx: KoaContext) => xml(ctx, 403, `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`);

  server.middleware.unshift(async (ctx, next) => {
    const bucketOnly = /^\/([^/]+)\/?$/.exec(ctx.path);
    if (bucketOnly && ctx.method === 'GET' && 'uploads' in ctx.query) {
      const bucket = bucketOnly[1] ?? '';
      if (!signed(ctx)) return accessDenied(ctx);
      ctx.params = { bucket };
      return cors(ctx, () => authenticate(ctx, () => listUploads(ctx, bucket)));
    }
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!uploadId || !match || (ctx.method !== 'GET' && ctx.method !== 'DELETE') || 'partNumber' in ctx.query) return next();
    const [bucket, key] = [match[1] ?? '', decodeURIComponent(match[2] ?? '')];
    if (!signed(ctx)) return accessDenied(ctx);
    // The router has not run yet: give its CORS and SigV4 checks the parameters it would have set.
    ctx.params = { bucket, key };
    await cors(ctx, () => authenticate(ctx, () => serve(ctx, bucket, key, uploadId)));
  });

  const listUploads = async (ctx: KoaContext, bucket: string) => {
    const uploadsDir = server.store.getResourcePath(bucket, undefined, 'uploads');
    const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
    const ids = await readdir(uploadsDir).catch(() => [] as string[]);
    const found = await Promise.all(
      ids.map(async (uploadId) => {
        const dir = join(uploadsDir, uploadId);
        const key = await readFile(join(dir, 'key'), 'utf8').catch(() => null);
        return key === null ? [] : [{ key, uploadId, initiated: (await stat(dir)).birthtime }];
      }),
    );
    const entries = found
      .flat()
      .filter((upload) => upload.key.startsWith(prefix))
      .sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1))
      .map(
        (upload) =>
          `<Upload><Key>${escape(upload.key)}</Key><UploadId>${escape(upload.uploadId)}</UploadId>` +
          `<Initiated>${upload.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
      );
    xml(
      ctx,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucket)}</Bucket>` +
        `<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>${escape(prefix)}</Prefix><MaxUploads>1000</MaxUploads>` +
        `<IsTruncated>false</IsTruncated>${entries.join('')}</ListMultipartUploadsResult>`,
    );
  };

  const serve = async (ctx: KoaContext, bucket: string, key: string, uploadId: string) => {
    const uploadDir = join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const storedKey = /^[\w-]+$/.test(uploadId) ? await readFile(join(uploadDir, 'key'), 'utf8').catch(() => null) : null;
    if (storedKey !== key) {
      return xml(ctx, 404, `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`);
    }
    if (ctx.method === 'DELETE') {
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    const names = await readdir(uploadDir);
    const numbers = names
      .filter((name) => /^\d+$/.test(name) && names.includes(`${name}.md5`))
      .map(Number)
      .sort((a, b) => a - b);
    const parts = await Promise.all(
      numbers.map(async (n) => {
        const [info, md5] = await Promise.all([stat(join(uploadDir, String(n))), readFile(join(uploadDir, `${n}.md5`), 'utf8')]);
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5.trim()}"</ETag><Size>${info.size}</Size></Part>`;
      }),
    );
    xml(
      ctx,
      200,
      `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucket)}</Bucket><Key>${escape(key)}</Key>` +
        `<UploadId>${escape(uploadId)}</UploadId><PartNumberMarker>0</PartNumberMarker><MaxParts>10000</MaxParts>` +
        `<IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
    );
  };
}

/**
 * The emulator writes a part straight to its final file and its MD5 beside it afterwards, so a
 * part upload cut off mid-body left a truncated part without an MD5, and ListParts then failed
 * (a resuming client saw 503). A part is now written to a file of its own and renamed into place
 * only once whole, as R2 and S3 only ever list complete parts; a cut-off upload leaves nothing.
 */
function writePartsAtomically(store: EmulatorStore): void {
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    await mkdir(dirname(partPath), { recursive: true });
    const partial = `${partPath}.partial-${randomUUID()}`;
    try {
      const [size, md5] = await store.putContent(partial, content);
      await rename(partial, partPath);
      await writeFile(`${partPath}.md5`, md5);
      return { size, md5 };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  };
}

import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { ERROR_STATUS } from '../src/common/errors/error-codes.js';
import { createBucketInspector } from './support/bucket.js';
import { type OpenApiDocument, requestArbitrary } from './support/fuzz/openapi-arbitraries.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';
import { presignAndPut } from './support/uploads.js';

/*
 * Property-based fuzzing of every operation in the committed openapi.json (so a new route is fuzzed
 * as soon as it is documented): bodies, path and query parameters generated from the schemas, valid
 * and hostile. For every answer: no 5xx; errors in the API's shape with a request id; and nothing
 * written unless the operation succeeded and creates something by design.
 *
 * Seeded and bounded: FUZZ_SEED (default below) and FUZZ_RUNS per operation (default 30). A failure
 * prints the seed and path to replay it: FUZZ_SEED=<seed> FUZZ_PATH=<path> npm test -- fuzz-openapi.
 * FUZZ_STATS=1 prints how often each operation answered each status, to check what the generators reach.
 *
 * "Nothing written" is checked after every request against the users, r2_files (every column) and
 * the bucket's keys. Rather than steer the generators away from valid requests (which would leave
 * the success paths unfuzzed), operations that create something by design are declared in CREATES
 * and a success of theirs may create exactly that; DELETEs are sent by a user who owns nothing.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const PATH = process.env.FUZZ_PATH;

const doc = JSON.parse(readFileSync('openapi.json', 'utf8')) as OpenApiDocument;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation, public: !operation.security?.length })),
);

/**
 * The operations that create something when they succeed, and what: register a user; presign and
 * multipart start a pending upload (the row of the objectKey they answer). A successful answer of
 * any other operation, and every failed answer of all of them, must leave users, r2_files and the
 * bucket exactly as they were. An operation added later that writes must be declared here.
 */
const CREATES: Record<string, (body: Record<string, unknown>) => { users: number; pendingKeys: string[] }> = {
  'post /auth/register': () => ({ users: 1, pendingKeys: [] }),
  'post /presign-upload': (body) => ({ users: 0, pendingKeys: [String(body.objectKey)] }),
  'post /files/multipart': (body) => ({ users: 0, pendingKeys: [String(body.objectKey)] }),
};

describe('fuzzing every operation of openapi.json', () => {
  let t: TestApp;
  /** Owns an upload, a multipart upload and a file, whose ids and key the generators are offered. */
  let auth: { Authorization: string };
  /**
   * Sends the DELETEs: owning nothing, every one of them must fail and change nothing — including
   * those aimed at the owner's real ids (they must be 404s, as if they did not exist).
   */
  let strangerAuth: { Authorization: string };
  const bucket = createBucketInspector();
  /** Real values offered to the generators, so some requests reach an existing upload or file. */
  const known: Record<string, unknown[]> = {};

  const snapshot = async () => {
    const [row] = await t.db.query<{ users: number; usersDigest: string; lastFileId: string; filesDigest: string }[]>(`
      SELECT (SELECT count(*)::int FROM users) AS users,
             (SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY u.id), '')) FROM users u) AS "usersDigest",
             (SELECT coalesce(max(id), 0)::text FROM r2_files) AS "lastFileId",
             (SELECT md5(coalesce(string_agg(f::text, ',' ORDER BY f.id), '')) FROM r2_files f) AS "filesDigest"`);
    return { ...(row as NonNullable<typeof row>), keys: await bucket.keys() };
  };
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    t = await createTestApp();
    ({ auth } = await registerUser(t));
    ({ auth: strangerAuth } = await registerUser(t));
    const owner = t.api.as({ auth });
    const pending = await owner.presign({ fileName: 'fuzz.txt', contentType: 'text/plain' }).expect(201);
    const multipart = await owner.startMultipart({ fileName: 'fuzz.bin', contentType: 'application/octet-stream', size: 1000 }).expect(201);
    const file = await presignAndPut(t, { auth }, { fileName: 'kept.txt', contentType: 'text/plain' }, 'kept');
    const saved = await owner.saveMetadata({ objectKey: file.objectKey }).expect(201);
    Object.assign(known, { objectKey: [pending.body.objectKey], uploadId: [multipart.body.uploadId], id: [saved.body.file.id] });
  });
  /** How often each operation answered each status and code: FUZZ_STATS=1 prints it, to see what the generators reach. */
  const outcomes = new Map<string, number>();
  afterAll(async () => {
    if (process.env.FUZZ_STATS)
      console.log(
        [...outcomes]
          .sort()
          .map(([outcome, n]) => `${n}\t${outcome}`)
          .join('\n'),
      );
    bucket.destroy();
    await t.close();
  });

  it('finds the operations to fuzz in openapi.json', () => {
    expect(operations.length).toBeGreaterThanOrEqual(16);
  });

  /** What a request may have changed, given its answer; throws (with the request) when it changed more. */
  const checkWrites = async (key: string, status: number, body: Record<string, unknown>, before: Snapshot, describeRequest: string) => {
    const after = await snapshot();
    const created = status >= 200 && status < 300 ? CREATES[key]?.(body) : undefined;
    if (!created) {
      if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`${describeRequest} → ${status} changed the stored state`);
      return;
    }
    const newRows = await t.db.query<{ object_key: string; status: string }[]>(
      'SELECT object_key, status FROM r2_files WHERE id > $1 ORDER BY id',
      [before.lastFileId],
    );
    expect({ request: describeRequest, users: after.users - before.users, rows: newRows, keys: after.keys }).toEqual({
      request: describeRequest,
      users: created.users,
      rows: created.pendingKeys.map((objectKey) => ({ object_key: objectKey, status: 'pending' })),
      keys: before.keys,
    });
  };

  for (const { path, method, public: isPublic } of operations) {
    const key = `${method} ${path}`;
    it(`${method.toUpperCase()} ${path}: never a 5xx, errors in the API's shape, no unexpected writes`, async () => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(doc, path, method, known), async (request) => {
          const before = await snapshot();
          let call = t.http[request.method as 'get'](request.url);
          if (!isPublic) call = call.set(method === 'delete' ? strangerAuth : auth);
          if (request.body !== undefined) call = call.set('Content-Type', 'application/json').send(JSON.stringify(request.body));
          const response = await call;
          const outcome = `${key} → ${response.status} ${(response.body as { code?: string }).code ?? ''}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          const describeRequest = `${request.method.toUpperCase()} ${request.url.slice(0, 300)} ${JSON.stringify(request.body)?.slice(0, 300) ?? ''}`;

          if (response.status >= 500) throw new Error(`${describeRequest} → ${response.status} ${JSON.stringify(response.body)}`);
          if (response.status >= 400) {
            expect({ request: describeRequest, body: response.body as unknown }).toEqual({
              request: describeRequest,
              body: {
                success: false,
                error: expect.any(String),
                code: expect.stringMatching(new RegExp(`^(${Object.keys(ERROR_STATUS).join('|')})$`)),
                statusCode: response.status,
                requestId: expect.stringMatching(/.+/),
                ...((response.body as { details?: unknown }).details === undefined ? {} : { details: expect.anything() }),
              },
            });
            expect(response.headers['x-request-id']).toBe((response.body as { requestId: string }).requestId);
          }
          await checkWrites(key, response.status, response.body as Record<string, unknown>, before, describeRequest);
        }),
        { seed: SEED, numRuns: RUNS, path: PATH, endOnFailure: true },
      );
    }, 120_000);
  }
});

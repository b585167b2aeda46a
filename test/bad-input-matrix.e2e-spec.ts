import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';

import { createBucketInspector } from './support/bucket.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

type User = Awaited<ReturnType<typeof registerUser>>;
interface Outcome {
  status: number;
  code: string | undefined;
}
interface Context {
  t: TestApp;
  owner: User;
  intruder: User;
  /** Owner's upload, object in the bucket, not confirmed yet. */
  ownerPending: { objectKey: string; publicFileUrl: string | null };
  /** Owner's confirmed file. */
  ownerConfirmed: { objectKey: string };
  /** A fresh presigned PUT (text/plain, size 10) to tamper with. */
  target: { presignedUrl: string; objectKey: string };
  /** A presigned PUT that has expired. */
  expiredUrl: string;
}

const MAX = 1000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: object, secret = process.env.JWT_SECRET as string, algorithm: jwt.Algorithm = 'HS256') =>
  jwt.sign({ iss: 'r2-files', aud: 'r2-files', sub: 'someone', ...claims }, secret, { algorithm });

/** Sends a request through the API and reads the error code. */
async function api(
  ctx: Context,
  method: 'get' | 'post',
  path: string,
  body?: unknown,
  auth: Record<string, string> | null = ctx.owner.auth,
  raw?: { type: string; data: string },
): Promise<Outcome> {
  let request = ctx.t.http[method](path);
  if (auth) request = request.set(auth);
  if (raw) request = request.set('Content-Type', raw.type).send(raw.data);
  else if (body !== undefined) request = request.send(body as object);
  const response = await request;
  return { status: response.status, code: response.body?.code };
}

/** Sends a PUT straight to the store and reads the S3 error code from its XML answer. */
async function store(url: string, body: string | Buffer, contentType = 'text/plain'): Promise<Outcome> {
  const response = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': contentType } });
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

const presign = (ctx: Context, body: unknown, auth?: Record<string, string> | null) => api(ctx, 'post', '/presign-upload', body, auth);
const confirm = (ctx: Context, body: unknown, auth?: Record<string, string> | null) => api(ctx, 'post', '/save-metadata', body, auth);
const ok = { fileName: 'a.png', contentType: 'image/png' };

/** [case, request, expected status, expected code]: each is a client mistake or an attack. */
const CASES: [string, (ctx: Context) => Promise<Outcome>, number, string | RegExp][] = [
  // presign: fields
  ['presign without fileName', (c) => presign(c, { contentType: 'image/png' }), 400, 'VALIDATION_FAILED'],
  ['presign without contentType', (c) => presign(c, { fileName: 'a.png' }), 400, 'VALIDATION_FAILED'],
  ['presign with a numeric fileName', (c) => presign(c, { ...ok, fileName: 42 }), 400, 'VALIDATION_FAILED'],
  ['presign with a null fileName', (c) => presign(c, { ...ok, fileName: null }), 400, 'VALIDATION_FAILED'],
  ['presign with an array fileName', (c) => presign(c, { ...ok, fileName: ['a.png'] }), 400, 'VALIDATION_FAILED'],
  ['presign with an object contentType', (c) => presign(c, { ...ok, contentType: { type: 'image/png' } }), 400, 'VALIDATION_FAILED'],
  ['presign naming its own userId', (c) => presign(c, { ...ok, userId: c.intruder.id }), 400, 'VALIDATION_FAILED'],
  ['presign choosing its own objectKey', (c) => presign(c, { ...ok, objectKey: 'chosen-key' }), 400, 'VALIDATION_FAILED'],
  // presign: hostile file names
  ['presign with an empty fileName', (c) => presign(c, { ...ok, fileName: '' }), 400, 'VALIDATION_FAILED'],
  ['presign with a blank fileName', (c) => presign(c, { ...ok, fileName: '   ' }), 400, 'VALIDATION_FAILED'],
  ['presign with fileName "."', (c) => presign(c, { ...ok, fileName: '.' }), 400, 'VALIDATION_FAILED'],
  ['presign with fileName ".."', (c) => presign(c, { ...ok, fileName: '..' }), 400, 'VALIDATION_FAILED'],
  ['presign with a fileName that is only a directory', (c) => presign(c, { ...ok, fileName: '../../etc/' }), 400, 'VALIDATION_FAILED'],
  ['presign with a NUL in the fileName', (c) => presign(c, { ...ok, fileName: 'a\u0000.png' }), 400, 'VALIDATION_FAILED'],
  ['presign with a newline in the fileName', (c) => presign(c, { ...ok, fileName: 'a\r\nb.png' }), 400, 'VALIDATION_FAILED'],
  [
    'presign with a bidi override in the fileName',
    (c) => presign(c, { ...ok, fileName: 'invoice\u202egnp.exe' }),
    400,
    'VALIDATION_FAILED',
  ],
  ['presign with a 256-byte fileName', (c) => presign(c, { ...ok, fileName: `${'a'.repeat(252)}.png` }), 400, 'VALIDATION_FAILED'],
  [
    'presign with a 128 × 2-byte-character fileName (256 bytes)',
    (c) => presign(c, { ...ok, fileName: 'é'.repeat(128) }),
    400,
    'VALIDATION_FAILED',
  ],
  ['presign with a huge fileName', (c) => presign(c, { ...ok, fileName: 'x'.repeat(10_000) }), 400, 'VALIDATION_FAILED'],
  // presign: content types
  ['presign with a malformed contentType', (c) => presign(c, { ...ok, contentType: 'png' }), 400, 'VALIDATION_FAILED'],
  ['presign with a contentType without subtype', (c) => presign(c, { ...ok, contentType: 'image/' }), 400, 'VALIDATION_FAILED'],
  [
    'presign with header injection in contentType',
    (c) => presign(c, { ...ok, contentType: 'image/png\r\nX-Evil: 1' }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'presign with a disallowed contentType',
    (c) => presign(c, { ...ok, fileName: 'a.html', contentType: 'text/html' }),
    415,
    'CONTENT_TYPE_NOT_ALLOWED',
  ],
  [
    'presign with an executable contentType',
    (c) => presign(c, { ...ok, fileName: 'a.exe', contentType: 'application/x-msdownload' }),
    415,
    'CONTENT_TYPE_NOT_ALLOWED',
  ],
  // presign: sizes
  ['presign with a negative size', (c) => presign(c, { ...ok, size: -1 }), 400, 'VALIDATION_FAILED'],
  ['presign with a zero size', (c) => presign(c, { ...ok, size: 0 }), 400, 'VALIDATION_FAILED'],
  ['presign with a fractional size', (c) => presign(c, { ...ok, size: 10.5 }), 400, 'VALIDATION_FAILED'],
  ['presign with a string size', (c) => presign(c, { ...ok, size: '10' }), 400, 'VALIDATION_FAILED'],
  ['presign with a size over the limit', (c) => presign(c, { ...ok, size: MAX + 1 }), 413, 'FILE_TOO_LARGE'],
  ['presign with an absurd size', (c) => presign(c, { ...ok, size: 1e30 }), 400, 'VALIDATION_FAILED'],
  // bodies
  [
    'presign with a body that is not JSON',
    (c) => api(c, 'post', '/presign-upload', undefined, c.owner.auth, { type: 'application/json', data: '{"fileName":' }),
    400,
    'INVALID_JSON',
  ],
  [
    'presign with a JSON array body',
    (c) => api(c, 'post', '/presign-upload', undefined, c.owner.auth, { type: 'application/json', data: '[]' }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'presign with a form-encoded body',
    (c) =>
      api(c, 'post', '/presign-upload', undefined, c.owner.auth, {
        type: 'application/x-www-form-urlencoded',
        data: 'fileName=a.png&contentType=image%2Fpng',
      }),
    400,
    'VALIDATION_FAILED',
  ],
  ['presign with an oversized body', (c) => presign(c, { ...ok, padding: 'x'.repeat(32 * 1024) }), 413, 'PAYLOAD_TOO_LARGE'],
  // save-metadata
  ['save-metadata without objectKey', (c) => confirm(c, {}), 400, 'VALIDATION_FAILED'],
  ['save-metadata with a numeric objectKey', (c) => confirm(c, { objectKey: 7 }), 400, 'VALIDATION_FAILED'],
  ['save-metadata with an empty objectKey', (c) => confirm(c, { objectKey: '' }), 400, 'VALIDATION_FAILED'],
  ['save-metadata with a huge objectKey', (c) => confirm(c, { objectKey: 'k'.repeat(5000) }), 400, 'VALIDATION_FAILED'],
  [
    'save-metadata naming its own userId',
    (c) => confirm(c, { objectKey: c.ownerPending.objectKey, userId: c.intruder.id }),
    400,
    'VALIDATION_FAILED',
  ],
  ['save-metadata with an unknown objectKey', (c) => confirm(c, { objectKey: 'does-not-exist.png' }), 404, 'UPLOAD_NOT_FOUND'],
  [
    "save-metadata of another user's pending upload",
    (c) => confirm(c, { objectKey: c.ownerPending.objectKey }, c.intruder.auth),
    404,
    'UPLOAD_NOT_FOUND',
  ],
  [
    "save-metadata of another user's confirmed file",
    (c) => confirm(c, { objectKey: c.ownerConfirmed.objectKey }, c.intruder.auth),
    404,
    'UPLOAD_NOT_FOUND',
  ],
  [
    'save-metadata with a forged publicFileUrl',
    (c) => confirm(c, { objectKey: c.ownerPending.objectKey, publicFileUrl: 'https://evil.example/x.png' }),
    400,
    'VALIDATION_FAILED',
  ],
  // tokens
  ['presign without a token', (c) => presign(c, ok, null), 401, 'AUTH_REQUIRED'],
  [
    'presign with a token signed by another key',
    (c) => presign(c, ok, { Authorization: `Bearer ${token({ sub: c.owner.id }, 'k'.repeat(48))}` }),
    401,
    'TOKEN_INVALID',
  ],
  [
    'presign with an expired token',
    (c) => presign(c, ok, { Authorization: `Bearer ${token({ sub: c.owner.id, exp: Math.floor(Date.now() / 1000) - 10 })}` }),
    401,
    'TOKEN_EXPIRED',
  ],
  [
    'presign with an alg:none token',
    (c) =>
      presign(c, ok, {
        Authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: c.owner.id, iss: 'r2-files', aud: 'r2-files' })}.`,
      }),
    401,
    'TOKEN_INVALID',
  ],
  [
    'save-metadata with a forged token for the owner',
    (c) => confirm(c, { objectKey: c.ownerPending.objectKey }, { Authorization: `Bearer ${token({ sub: c.owner.id }, 'k'.repeat(48))}` }),
    401,
    'TOKEN_INVALID',
  ],
  [
    'files list with a malformed token',
    (c) => api(c, 'get', '/files', undefined, { Authorization: 'Bearer abc.def' }),
    401,
    'TOKEN_INVALID',
  ],
  // listing
  ['files list with limit 0', (c) => api(c, 'get', '/files?limit=0'), 400, 'VALIDATION_FAILED'],
  ['files list with a non-numeric limit', (c) => api(c, 'get', '/files?limit=ten'), 400, 'VALIDATION_FAILED'],
  ['files list with a limit over 200', (c) => api(c, 'get', '/files?limit=201'), 400, 'VALIDATION_FAILED'],
  ['files list with a forged cursor', (c) => api(c, 'get', `/files?cursor=${b64({ userId: c.intruder.id })}`), 400, 'INVALID_CURSOR'],
  ['files list with an unknown query parameter', (c) => api(c, 'get', `/files?userId=${c.intruder.id}`), 400, 'VALIDATION_FAILED'],
  // auth routes
  ['register without a password', (c) => api(c, 'post', '/auth/register', { email: 'x@example.com' }, null), 400, 'VALIDATION_FAILED'],
  [
    'register with a 10 kB password',
    (c) => api(c, 'post', '/auth/register', { email: 'x@example.com', password: 'p'.repeat(10_000) }, null),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'login with an array email',
    (c) => api(c, 'post', '/auth/login', { email: [c.owner.email], password: c.owner.password }, null),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'login with a wrong password',
    (c) => api(c, 'post', '/auth/login', { email: c.owner.email, password: 'wrong password!' }, null),
    401,
    'INVALID_CREDENTIALS',
  ],
  // hostile text: NUL, lone surrogates, absurd nesting, values PostgreSQL cannot hold (never a 5xx)
  ['presign with a NUL in contentType', (c) => presign(c, { ...ok, contentType: 'image/png\u0000' }), 400, 'VALIDATION_FAILED'],
  [
    'presign with a lone surrogate in the fileName',
    (c) =>
      api(c, 'post', '/presign-upload', undefined, c.owner.auth, {
        type: 'application/json',
        data: '{"fileName":"a\\ud800.png","contentType":"image/png"}',
      }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'presign with a NUL in a field name',
    (c) =>
      api(c, 'post', '/presign-upload', undefined, c.owner.auth, {
        type: 'application/json',
        data: '{"fileName":"a.png","contentType":"image/png","\\u0000":1}',
      }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'register with a lone surrogate in the email',
    (c) =>
      api(c, 'post', '/auth/register', undefined, null, {
        type: 'application/json',
        data: '{"email":"a\\udc00@example.com","password":"a long enough password"}',
      }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'presign with JSON nested 5,000 deep (under the size limit)',
    (c) =>
      api(c, 'post', '/presign-upload', undefined, c.owner.auth, {
        type: 'application/json',
        data: `{"fileName":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      }),
    400,
    'INVALID_JSON',
  ],
  ['multipart status with a NUL in the upload id', (c) => api(c, 'get', '/files/multipart/up%00load'), 400, 'VALIDATION_FAILED'],
  ['files list with a NUL in the cursor', (c) => api(c, 'get', '/files?cursor=%00'), 400, 'VALIDATION_FAILED'],
  [
    'files list with a cursor whose timestamp PostgreSQL cannot hold',
    (c) => api(c, 'get', `/files?cursor=${Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', 1])).toString('base64url')}`),
    400,
    'INVALID_CURSOR',
  ],
  [
    'files list with a cursor whose id is beyond bigint',
    (c) => api(c, 'get', `/files?cursor=${Buffer.from('["2026-01-01T00:00:00.000Z",99999999999999999999]').toString('base64url')}`),
    400,
    'INVALID_CURSOR',
  ],
  [
    'files list with a token whose sub has a NUL',
    (c) => api(c, 'get', '/files', undefined, { Authorization: `Bearer ${token({ sub: 'a\u0000b' })}` }),
    401,
    'TOKEN_INVALID',
  ],
  [
    'files list with a token whose sub is 10 kB',
    (c) => api(c, 'get', '/files', undefined, { Authorization: `Bearer ${token({ sub: 's'.repeat(10_000) })}` }),
    401,
    'TOKEN_INVALID',
  ],
  [
    'files list with a token whose email has a lone surrogate',
    (c) => api(c, 'get', '/files', undefined, { Authorization: `Bearer ${token({ sub: c.owner.id, email: 'a\ud800@example.com' })}` }),
    401,
    'TOKEN_INVALID',
  ],
  // the store itself
  [
    'a presigned URL with its key changed',
    (c) => store(c.target.presignedUrl.replace(c.target.objectKey, `${c.target.objectKey}-other`), '0123456789'),
    403,
    /SignatureDoesNotMatch|AccessDenied/,
  ],
  [
    'a presigned URL with a tampered signature',
    (c) => store(c.target.presignedUrl.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'), '0123456789'),
    403,
    /SignatureDoesNotMatch|AccessDenied/,
  ],
  [
    'a presigned URL with a longer expiry',
    (c) => store(c.target.presignedUrl.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800'), '0123456789'),
    403,
    /SignatureDoesNotMatch|AccessDenied/,
  ],
  [
    'a body larger than the signed size',
    (c) => store(c.target.presignedUrl, '0123456789-and-more'),
    403,
    /SignatureDoesNotMatch|AccessDenied/,
  ],
  [
    'a body with another Content-Type than signed',
    (c) => store(c.target.presignedUrl, '0123456789', 'text/html'),
    403,
    /SignatureDoesNotMatch|AccessDenied/,
  ],
  ['an expired presigned URL', (c) => store(c.expiredUrl, 'late'), 403, /AccessDenied|ExpiredToken|RequestExpired/],
];

describe('bad-input matrix: every mistake is a clear 4xx that changes nothing', () => {
  const ctx = {} as Context;
  const bucket = createBucketInspector();
  let shortLived: TestApp;

  /** Everything a bad request could have changed: users, file rows (with their state) and stored objects. */
  const snapshot = async () => ({
    users: (await ctx.t.db.query('SELECT count(*)::int AS n FROM users'))[0].n as number,
    files: (
      await ctx.t.db.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(concat_ws(':', id, object_key, user_id, status, size, etag, upload_timestamp), ',' ORDER BY id), '')) AS digest FROM r2_files`,
      )
    )[0] as { n: number; digest: string },
    objects: await bucket.keys(),
  });

  beforeAll(async () => {
    ctx.t = await createTestApp({ UPLOAD_MAX_SIZE: String(MAX), UPLOAD_ALLOWED_TYPES: 'image/*,text/plain' });
    ctx.owner = await registerUser(ctx.t);
    ctx.intruder = await registerUser(ctx.t);
    const start = async (body: object) => (await ctx.t.http.post('/presign-upload').set(ctx.owner.auth).send(body).expect(201)).body;

    const pending = await start({ fileName: 'pending.txt', contentType: 'text/plain' });
    await fetch(pending.presignedUrl, { method: 'PUT', body: 'pending', headers: { 'Content-Type': 'text/plain' } });
    ctx.ownerPending = { objectKey: pending.objectKey, publicFileUrl: pending.publicFileUrl };

    const confirmed = await start({ fileName: 'confirmed.txt', contentType: 'text/plain' });
    await fetch(confirmed.presignedUrl, { method: 'PUT', body: 'confirmed', headers: { 'Content-Type': 'text/plain' } });
    await ctx.t.http.post('/save-metadata').set(ctx.owner.auth).send({ objectKey: confirmed.objectKey }).expect(201);
    ctx.ownerConfirmed = { objectKey: confirmed.objectKey };

    ctx.target = await start({ fileName: 'target.txt', contentType: 'text/plain', size: 10 });

    shortLived = await createTestApp({ PRESIGN_EXPIRES_IN: '1' });
    const expired = await shortLived.http
      .post('/presign-upload')
      .set(ctx.owner.auth)
      .send({ fileName: 'late.txt', contentType: 'text/plain' })
      .expect(201);
    ctx.expiredUrl = expired.body.presignedUrl;
    await new Promise((resolve) => setTimeout(resolve, 2100));
  });

  afterAll(async () => {
    bucket.destroy();
    await shortLived.close();
    await ctx.t.close();
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s → %i %s', async (_name, send, status, code) => {
    const before = await snapshot();
    const outcome = await send(ctx);
    expect(outcome.status).toBe(status);
    if (typeof code === 'string') expect(outcome.code).toBe(code);
    else expect(outcome.code).toMatch(code);
    expect(await snapshot()).toEqual(before);
  });
});

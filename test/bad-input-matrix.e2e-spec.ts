import { beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIObject } from '@nestjs/swagger';
import jwt from 'jsonwebtoken';

import type { ErrorResponseDto } from '../src/common/errors/error-response.dto.js';
import { waitFor } from './support/faults/wait.js';
import { createTestApp, type RegisteredUser, registerUser, type TestApp, useTestApp } from './support/test-app.js';
import { presignAndPut, putToStore } from './support/uploads.js';

interface Outcome {
  status: number;
  code: string | undefined;
  /** The API's answer (absent for the store's own answers, which are S3 XML). */
  api?: { body: ErrorResponseDto; contentType: string | undefined; requestIdHeader: string | undefined };
}
interface Context {
  t: TestApp;
  owner: RegisteredUser;
  intruder: RegisteredUser;
  /** Owner's upload, object in the bucket, not confirmed yet. */
  ownerPending: { objectKey: string; publicFileUrl: string | null };
  /** Owner's confirmed file. */
  ownerConfirmed: { objectKey: string };
  /** Owner's multipart upload in progress (one part). */
  ownerMultipart: { uploadId: string };
  /** A fresh presigned PUT (text/plain, size 10) to tamper with. */
  target: { presignedUrl: string; objectKey: string };
  /** A presigned PUT that has expired. */
  expiredUrl: string;
}
/** What an API answer must say besides its status and code. */
interface Expected {
  /** The field `details` must name (and the message mention). */
  field?: string;
  /** Text the message must contain. */
  mentions?: string;
}

const MAX = 1000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: object, secret = process.env.JWT_SECRET as string, algorithm: jwt.Algorithm = 'HS256') =>
  jwt.sign({ iss: 'r2-files', aud: 'r2-files', sub: 'someone', ...claims }, secret, { algorithm });
const bearer = (value: string) => ({ Authorization: `Bearer ${value}` });

/** Sends a request through the API and reads the answer in the error shape. */
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
  const answer = response.body as ErrorResponseDto;
  const headers = response.headers;
  return {
    status: response.status,
    code: answer.code,
    api: { body: answer, contentType: headers['content-type'], requestIdHeader: headers['x-request-id'] },
  };
}

/** Sends a PUT straight to the store and reads the S3 error code from its XML answer. */
async function store(url: string, body: string | Buffer, contentType = 'text/plain'): Promise<Outcome> {
  const { status, code } = await putToStore(url, body, { 'Content-Type': contentType });
  return { status, code };
}

const presign = (ctx: Context, body: unknown, auth?: Record<string, string> | null) => api(ctx, 'post', '/presign-upload', body, auth);
const confirm = (ctx: Context, body: unknown, auth?: Record<string, string> | null) => api(ctx, 'post', '/save-metadata', body, auth);
const me = (ctx: Context, auth: Record<string, string> | null) => api(ctx, 'get', '/auth/me', undefined, auth);
const startMultipart = (ctx: Context, body: unknown) => api(ctx, 'post', '/files/multipart', body);
const ok = { fileName: 'a.png', contentType: 'image/png' };

/** [case, request, expected status, expected code, what else the answer says]: each is a client mistake or an attack. */
const CASES: [string, (ctx: Context) => Promise<Outcome>, number, string | RegExp, Expected?][] = [
  // presign: fields
  ['presign without fileName', (c) => presign(c, { contentType: 'image/png' }), 400, 'VALIDATION_FAILED', { field: 'fileName' }],
  ['presign without contentType', (c) => presign(c, { fileName: 'a.png' }), 400, 'VALIDATION_FAILED'],
  ['presign with a numeric fileName', (c) => presign(c, { ...ok, fileName: 42 }), 400, 'VALIDATION_FAILED', { field: 'fileName' }],
  ['presign with a null fileName', (c) => presign(c, { ...ok, fileName: null }), 400, 'VALIDATION_FAILED'],
  ['presign with an array fileName', (c) => presign(c, { ...ok, fileName: ['a.png'] }), 400, 'VALIDATION_FAILED'],
  ['presign with an object contentType', (c) => presign(c, { ...ok, contentType: { type: 'image/png' } }), 400, 'VALIDATION_FAILED'],
  ['presign naming its own userId', (c) => presign(c, { ...ok, userId: c.intruder.id }), 400, 'VALIDATION_FAILED', { field: 'userId' }],
  ['presign choosing its own objectKey', (c) => presign(c, { ...ok, objectKey: 'chosen-key' }), 400, 'VALIDATION_FAILED'],
  // presign: hostile file names
  ['presign with an empty fileName', (c) => presign(c, { ...ok, fileName: '' }), 400, 'VALIDATION_FAILED'],
  ['presign with a blank fileName', (c) => presign(c, { ...ok, fileName: '   ' }), 400, 'VALIDATION_FAILED', { field: 'fileName' }],
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
    { field: 'fileName' },
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
  [
    'presign with a malformed contentType',
    (c) => presign(c, { ...ok, contentType: 'png' }),
    400,
    'VALIDATION_FAILED',
    { field: 'contentType' },
  ],
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
  ['presign with a zero size', (c) => presign(c, { ...ok, size: 0 }), 400, 'VALIDATION_FAILED', { field: 'size' }],
  ['presign with a fractional size', (c) => presign(c, { ...ok, size: 10.5 }), 400, 'VALIDATION_FAILED', { field: 'size' }],
  ['presign with a string size', (c) => presign(c, { ...ok, size: '10' }), 400, 'VALIDATION_FAILED', { field: 'size' }],
  ['presign with a size over the limit', (c) => presign(c, { ...ok, size: MAX + 1 }), 413, 'FILE_TOO_LARGE', { mentions: String(MAX) }],
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
    { field: 'publicFileUrl' },
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
  ['files list with a limit over 200', (c) => api(c, 'get', '/files?limit=201'), 400, 'VALIDATION_FAILED', { field: 'limit' }],
  [
    'files list with a forged cursor',
    (c) => api(c, 'get', `/files?cursor=${b64({ userId: c.intruder.id })}`),
    400,
    'INVALID_CURSOR',
    { field: 'cursor' },
  ],
  ['files list with an unknown query parameter', (c) => api(c, 'get', `/files?userId=${c.intruder.id}`), 400, 'VALIDATION_FAILED'],
  // auth routes
  [
    'register without a password',
    (c) => api(c, 'post', '/auth/register', { email: 'x@example.com' }, null),
    400,
    'VALIDATION_FAILED',
    { field: 'password' },
  ],
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
    { field: 'cursor' },
  ],
  [
    'files list with a cursor whose id is beyond bigint',
    (c) => api(c, 'get', `/files?cursor=${Buffer.from('["2026-01-01T00:00:00.000Z",99999999999999999999]').toString('base64url')}`),
    400,
    'INVALID_CURSOR',
    { field: 'cursor' },
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
  ['files list with a cursor that is not ours', (c) => api(c, 'get', '/files?cursor=bm9wZQ'), 400, 'INVALID_CURSOR', { field: 'cursor' }],
  [
    'files list with a 201-character cursor',
    (c) => api(c, 'get', `/files?cursor=${'x'.repeat(201)}`),
    400,
    'INVALID_CURSOR',
    { field: 'cursor' },
  ],
  // ids in paths
  ...['abc', '0', '-1', '1.5', '99999999999999999999'].map((id): [string, (ctx: Context) => Promise<Outcome>, number, string, Expected] => [
    `file with the id ${id}`,
    (c) => api(c, 'get', `/files/${id}`),
    400,
    'VALIDATION_FAILED',
    { field: 'id' },
  ]),
  // multipart
  [
    'multipart start without size',
    (c) => startMultipart(c, { fileName: 'a.txt', contentType: 'text/plain' }),
    400,
    'VALIDATION_FAILED',
    { field: 'size' },
  ],
  [
    'multipart start with a size over the limit',
    (c) => startMultipart(c, { fileName: 'a.txt', contentType: 'text/plain', size: MAX + 1 }),
    413,
    'FILE_TOO_LARGE',
    { mentions: String(MAX) },
  ],
  [
    'multipart start with a part size below 5 MiB',
    (c) => startMultipart(c, { fileName: 'a.txt', contentType: 'text/plain', size: 10, partSize: 1024 }),
    400,
    'VALIDATION_FAILED',
    { field: 'partSize' },
  ],
  [
    'multipart start with fileName ".."',
    (c) => startMultipart(c, { fileName: '..', contentType: 'text/plain', size: 10 }),
    400,
    'VALIDATION_FAILED',
    { field: 'fileName' },
  ],
  [
    'multipart part URLs beyond the part count',
    (c) => api(c, 'post', `/files/multipart/${c.ownerMultipart.uploadId}/part-urls`, { partNumbers: [3] }),
    400,
    'VALIDATION_FAILED',
    { field: 'partNumbers' },
  ],
  [
    'multipart complete without every part',
    (c) => api(c, 'post', `/files/multipart/${c.ownerMultipart.uploadId}/complete`, { parts: [{ partNumber: 2, etag: 'x' }] }),
    400,
    'VALIDATION_FAILED',
    { field: 'parts' },
  ],
  // auth routes
  [
    'register with a short password',
    (c) => api(c, 'post', '/auth/register', { email: 'a@example.com', password: 'short' }, null),
    400,
    'VALIDATION_FAILED',
    { field: 'password' },
  ],
  [
    'register with a bad email',
    (c) => api(c, 'post', '/auth/register', { email: 'not-an-email', password: 'long enough password' }, null),
    400,
    'VALIDATION_FAILED',
    { field: 'email' },
  ],
  [
    'register with an unknown field',
    (c) => api(c, 'post', '/auth/register', { email: 'a@example.com', password: 'long enough password', admin: true }, null),
    400,
    'VALIDATION_FAILED',
    { field: 'admin' },
  ],
  // tokens on /auth/me
  ['me without Authorization', (c) => me(c, null), 401, 'AUTH_REQUIRED'],
  ['me with Basic credentials', (c) => me(c, { Authorization: 'Basic dXNlcjpwYXNz' }), 401, 'AUTH_REQUIRED'],
  ['me with an expired token', (c) => me(c, bearer(token({ exp: Math.floor(Date.now() / 1000) - 60 }))), 401, 'TOKEN_EXPIRED'],
  ['me with a token signed with another secret', (c) => me(c, bearer(token({}, 'x'.repeat(48)))), 401, 'TOKEN_INVALID'],
  [
    'me with an alg:none token',
    (c) => me(c, bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'someone', iss: 'r2-files', aud: 'r2-files' })}.`)),
    401,
    'TOKEN_INVALID',
  ],
  ['me with an HS512 token with the right secret', (c) => me(c, bearer(token({}, undefined, 'HS512'))), 401, 'TOKEN_INVALID'],
  ['me with a token from another issuer', (c) => me(c, bearer(token({ iss: 'someone-else' }))), 401, 'TOKEN_INVALID'],
  ['me with a token for another audience', (c) => me(c, bearer(token({ aud: 'another-api' }))), 401, 'TOKEN_INVALID'],
  [
    'me with a token without a subject',
    (c) => me(c, bearer(jwt.sign({ iss: 'r2-files', aud: 'r2-files' }, process.env.JWT_SECRET as string, { algorithm: 'HS256' }))),
    401,
    'TOKEN_INVALID',
  ],
  ['me with a malformed token', (c) => me(c, bearer('not.a.jwt')), 401, 'TOKEN_INVALID'],
  ['me with a garbage token', (c) => me(c, bearer('garbage')), 401, 'TOKEN_INVALID'],
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
  const t = useTestApp({ UPLOAD_MAX_SIZE: String(MAX), UPLOAD_ALLOWED_TYPES: 'image/*,text/plain' });

  /** Everything a bad request could have changed: users, file rows (with their state) and stored objects. */
  const snapshot = async () => ({
    users: (await t.db.query<[{ n: number }]>('SELECT count(*)::int AS n FROM users'))[0].n,
    files: (
      await t.db.query<[{ n: number; digest: string }]>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(concat_ws(':', id, object_key, user_id, status, size, etag, upload_timestamp), ',' ORDER BY id), '')) AS digest FROM r2_files`,
      )
    )[0],
    objects: await t.bucket.keys(),
  });

  beforeAll(async () => {
    ctx.t = t;
    ctx.owner = await registerUser(t);
    ctx.intruder = await registerUser(t);

    const pending = await presignAndPut(t, ctx.owner, { fileName: 'pending.txt', contentType: 'text/plain' }, 'pending');
    ctx.ownerPending = { objectKey: pending.objectKey, publicFileUrl: pending.publicFileUrl };

    const confirmed = await presignAndPut(t, ctx.owner, { fileName: 'confirmed.txt', contentType: 'text/plain' }, 'confirmed');
    await t.api.as(ctx.owner).saveMetadata({ objectKey: confirmed.objectKey }).expect(201);
    ctx.ownerConfirmed = { objectKey: confirmed.objectKey };

    const multipart = await t.api.as(ctx.owner).startMultipart({ fileName: 'parts.bin', contentType: 'text/plain', size: 10 }).expect(201);
    ctx.ownerMultipart = { uploadId: multipart.body.uploadId };

    ctx.target = (await t.api.as(ctx.owner).presign({ fileName: 'target.txt', contentType: 'text/plain', size: 10 }).expect(201)).body;

    const shortLived = await createTestApp({ PRESIGN_EXPIRES_IN: '1' });
    try {
      const expired = await shortLived.api.as(ctx.owner).presign({ fileName: 'late.txt', contentType: 'text/plain' }).expect(201);
      ctx.expiredUrl = expired.body.presignedUrl;
      const expiresAt = Date.parse(expired.body.expiresAt);
      await waitFor('the presigned URL to expire', () => Date.now() > expiresAt);
    } finally {
      await shortLived.close();
    }
  });

  const cases = CASES.map(([name, send, status, code, expected = {}]) => ({ name, send, status, code, expected }));
  it.each(cases)('$name → $status $code', async ({ send, status, code, expected }) => {
    const before = await snapshot();
    const outcome = await send(ctx);
    expect(outcome.status).toBe(status);
    if (typeof code === 'string') expect(outcome.code).toBe(code);
    else expect(outcome.code).toMatch(code);
    if (outcome.api) {
      // The API's error shape: JSON, the status repeated, a message, and the request id of the
      // X-Request-Id header to quote (even for bodies refused before any route runs).
      expect(outcome.api.contentType).toMatch(/^application\/json/);
      expect(outcome.api.body).toMatchObject({ success: false, statusCode: status, error: expect.any(String) });
      expect(outcome.api.requestIdHeader).toMatch(/^[0-9a-f-]{36}$/);
      expect(outcome.api.body.requestId).toBe(outcome.api.requestIdHeader);
      if (expected.field) {
        expect(outcome.api.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expected.field })]));
        expect(outcome.api.body.error).toContain(expected.field);
      }
      if (expected.mentions) expect(outcome.api.body.error).toContain(expected.mentions);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a body of the wrong shape, or not JSON, on every operation that takes one (read from the OpenAPI document)', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as OpenAPIObject;
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      (['post', 'put', 'patch'] as const)
        .filter((method) => item[method]?.requestBody !== undefined)
        .map((method) => ({ method, path: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    expect(operations.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['post /presign-upload', 'post /save-metadata', 'post /auth/register', 'post /files/multipart/x/complete']),
    );
    const before = await snapshot();
    for (const { method, path } of operations) {
      const wrongShape = await t.http[method](path).set(ctx.owner.auth).send({ unexpected: true });
      const notJson = await t.http[method](path).set(ctx.owner.auth).set('Content-Type', 'application/json').send('{"unexpected":');
      expect({ operation: `${method} ${path}`, wrongShape: wrongShape.status, notJson: notJson.status }).toEqual({
        operation: `${method} ${path}`,
        wrongShape: 400,
        notJson: 400,
      });
      expect([(wrongShape.body as ErrorResponseDto).code, (notJson.body as ErrorResponseDto).code]).toEqual([
        'VALIDATION_FAILED',
        'INVALID_JSON',
      ]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

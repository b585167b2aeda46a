import { randomUUID } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import type { SignedUploadRequestDto, SignUploadRequestDto } from '../src/files/signing/dto/sign-upload-request.dto.js';
import { pngBytes } from './support/fixtures.js';
import { type RegisteredUser, registerUser, useTestApp } from './support/test-app.js';
import { expireUploads } from './support/uploads.js';

const MiB = 1024 * 1024;

/** A key as Uppy 6 proposes it (`${crypto.randomUUID()}-${file.name}`): the API must not use it. */
const uppyKey = (name: string) => `${randomUUID()}-${name}`;

/** Sends a signed request to the store, as Uppy's XHR does: the URL, the method, the signed headers and a body. */
async function send(signed: SignedUploadRequestDto, body?: Buffer | string, extraHeaders: Record<string, string> = {}) {
  const response = await fetch(signed.url, { method: signed.method, headers: { ...signed.headers, ...extraHeaders }, body });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), text, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

/** The requests Uppy 6 signs for an open multipart upload: UploadPart, ListParts, Complete, Abort. */
const uploadIdRequests = (key: string, uploadId: string) =>
  [
    { method: 'PUT', key, uploadId, partNumber: 1 },
    { method: 'GET', key, uploadId },
    { method: 'POST', key, uploadId },
    { method: 'DELETE', key, uploadId },
  ] as const;

const tamper = (url: string) => url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);

/**
 * `POST /uploads/sign`, the route Uppy 6's `signRequest` forwards to: every S3 request is sent to
 * the real, signature-checking store with the URL the API returned, as a browser would.
 */
describe('signing upload requests for Uppy 6 (POST /uploads/sign)', () => {
  const t = useTestApp({
    UPLOAD_ALLOWED_TYPES: 'image/*,application/octet-stream',
    UPLOAD_MAX_SIZE: String(64 * MiB),
    UPLOAD_MAX_PENDING_PER_USER: '3',
  });

  const rowsOf = (user: RegisteredUser) =>
    t.db.query<{ object_key: string; status: string }[]>('SELECT object_key, status FROM r2_files WHERE user_id = $1 ORDER BY id', [
      user.id,
    ]);

  /** CreateMultipartUpload through the route and the store: the API's key and the store's upload id. */
  const createMultipart = async (user: RegisteredUser, request: Partial<SignUploadRequestDto> = {}) => {
    const { body: signed } = await t.api
      .as(user)
      .signUpload({ method: 'POST', key: uppyKey('movie.bin'), contentType: 'application/octet-stream', ...request })
      .expect(200);
    const created = await send(signed);
    expect(created.status).toBe(200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1];
    if (!uploadId) throw new Error(`no UploadId in ${created.text}`);
    return { key: signed.key, uploadId, signed };
  };

  it('PutObject: signs a PUT under a key the API issues; save-metadata verifies and records the file', async () => {
    const user = await registerUser(t);
    const proposed = uppyKey('Holiday photo.png');
    const { body: signed } = await t.api.as(user).signUpload({ method: 'PUT', key: proposed, contentType: 'image/png' }).expect(200);
    expect(signed).toEqual({
      url: expect.stringContaining('X-Amz-Signature='),
      key: expect.stringMatching(/^[0-9a-f-]{36}-Holiday-photo\.png$/),
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      expiresAt: expect.any(String),
    });
    expect(signed.key).not.toBe(proposed);

    const bytes = pngBytes(40_000);
    expect((await send(signed, bytes)).status).toBe(200);
    const saved = await t.api.as(user).saveMetadata({ objectKey: signed.key }).expect(201);
    expect(saved.body.file).toMatchObject({
      objectKey: signed.key,
      fileName: 'Holiday photo.png',
      contentType: 'image/png',
      size: bytes.length,
    });
  });

  it('PutObject with a size signs the length: the store refuses a body of another length', async () => {
    const user = await registerUser(t);
    const { body: signed } = await t.api
      .as(user)
      .signUpload({ method: 'PUT', key: uppyKey('a.bin'), contentType: 'application/octet-stream', size: 10, fileName: 'data.bin' })
      .expect(200);
    expect(signed.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect((await send(signed, Buffer.alloc(11))).status).toBe(403);
    expect((await send(signed, Buffer.alloc(10))).status).toBe(200);
    const saved = await t.api.as(user).saveMetadata({ objectKey: signed.key }).expect(201);
    expect(saved.body.file).toMatchObject({ fileName: 'data.bin', size: 10 });
  });

  it('multipart: create → 3 parts → ListParts → complete, all through signed URLs; save-metadata verifies', async () => {
    const user = await registerUser(t);
    const file = pngBytes(12 * MiB);
    const { key, uploadId, signed } = await createMultipart(user, { key: uppyKey('big.png'), contentType: 'image/png', size: file.length });
    expect(signed).toMatchObject({ method: 'POST', headers: { 'Content-Type': 'image/png' } });
    expect(key).toMatch(/^[0-9a-f-]{36}-big\.png$/);

    const parts: { partNumber: number; etag: string }[] = [];
    for (const [partNumber, start, end] of [
      [1, 0, 5 * MiB],
      [2, 5 * MiB, 10 * MiB],
      [3, 10 * MiB, 12 * MiB],
    ] as const) {
      const { body: part } = await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber }).expect(200);
      expect(part).toMatchObject({ key, method: 'PUT', headers: {} });
      const put = await send(part, file.subarray(start, end));
      expect(put.status).toBe(200);
      parts.push({ partNumber, etag: put.etag ?? '' });
    }

    const { body: list } = await t.api.as(user).signUpload({ method: 'GET', key, uploadId }).expect(200);
    const listed = await send(list);
    expect(listed.status).toBe(200);
    expect([...listed.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]))).toEqual([1, 2, 3]);

    const { body: complete } = await t.api.as(user).signUpload({ method: 'POST', key, uploadId }).expect(200);
    const xml = `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${p.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const completed = await send(complete, xml, { 'Content-Type': 'application/xml' });
    expect(completed.status).toBe(200);
    // Uppy 6 needs both in the answer.
    expect(completed.text).toContain('<Location>');
    expect(completed.text).toContain(`<Key>${key}</Key>`);

    const saved = await t.api.as(user).saveMetadata({ objectKey: key }).expect(201);
    expect(saved.body.file).toMatchObject({ objectKey: key, fileName: 'big.png', contentType: 'image/png', size: file.length });
    expect((await t.bucket.read(key))?.equals(file)).toBe(true);

    // Recorded: the upload is no longer pending, so nothing more is signed for it.
    const after = await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber: 1 }).expect(404);
    expect(after.body.code).toBe('UPLOAD_NOT_FOUND');
  });

  it('multipart: an abort signed by the API frees the parts', async () => {
    const user = await registerUser(t);
    const { key, uploadId } = await createMultipart(user);
    const { body: part } = await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber: 1 }).expect(200);
    expect((await send(part, Buffer.alloc(1024))).status).toBe(200);
    const { body: abort } = await t.api.as(user).signUpload({ method: 'DELETE', key, uploadId }).expect(200);
    expect(abort.method).toBe('DELETE');
    expect((await send(abort)).status).toBe(204);
    expect(await t.storage.listParts(key, uploadId)).toBeNull();
  });

  it("signs nothing for another user's key, an unknown key or an upload started otherwise (404, like a missing key)", async () => {
    const [owner, intruder] = await Promise.all([registerUser(t), registerUser(t)]);
    const { key, uploadId } = await createMultipart(owner);
    const { body: single } = await t.api
      .as(owner)
      .signUpload({ method: 'PUT', key: uppyKey('x.png'), contentType: 'image/png' })
      .expect(200);
    const before = await rowsOf(intruder);
    for (const request of uploadIdRequests(key, uploadId)) {
      const foreign = await t.api.as(intruder).signUpload(request).expect(404);
      expect(foreign.body).toMatchObject({ success: false, code: 'UPLOAD_NOT_FOUND', statusCode: 404 });
      const unknown = await t.api
        .as(owner)
        .signUpload({ ...request, key: `${randomUUID()}-nothing.bin` })
        .expect(404);
      expect(unknown.body.code).toBe('UPLOAD_NOT_FOUND');
      // A single-PUT upload has no multipart upload to continue.
      await t.api
        .as(owner)
        .signUpload({ ...request, key: single.key })
        .expect(404);
    }
    expect(await rowsOf(intruder)).toEqual(before);
  });

  it.each<{ name: string; request: unknown; status: number; code: string; field?: string }>([
    { name: 'GetObject', request: { method: 'GET', key: 'k' }, status: 403, code: 'OPERATION_NOT_SIGNED' },
    { name: 'DeleteObject', request: { method: 'DELETE', key: 'k' }, status: 403, code: 'OPERATION_NOT_SIGNED' },
    { name: 'another method', request: { method: 'PATCH', key: 'k' }, status: 400, code: 'VALIDATION_FAILED', field: 'method' },
    {
      name: 'part number 0',
      request: { method: 'PUT', key: 'k', uploadId: 'u', partNumber: 0 },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'partNumber',
    },
    {
      name: 'part number 10,001',
      request: { method: 'PUT', key: 'k', uploadId: 'u', partNumber: 10_001 },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'partNumber',
    },
    {
      name: 'a part number without upload id',
      request: { method: 'PUT', key: 'k', partNumber: 1 },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'uploadId',
    },
    {
      name: 'CreateMultipartUpload without a type',
      request: { method: 'POST', key: uppyKey('a.bin') },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'contentType',
    },
    {
      name: 'PutObject without a type',
      request: { method: 'PUT', key: uppyKey('a.bin') },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'contentType',
    },
    {
      name: 'a type not allowed',
      request: { method: 'POST', key: uppyKey('a.txt'), contentType: 'text/html' },
      status: 415,
      code: 'CONTENT_TYPE_NOT_ALLOWED',
    },
    {
      name: 'a size over the limit',
      request: { method: 'PUT', key: uppyKey('a.png'), contentType: 'image/png', size: 64 * MiB + 1 },
      status: 413,
      code: 'FILE_TOO_LARGE',
    },
    {
      name: 'a key with no usable name',
      request: { method: 'PUT', key: `${randomUUID()}-..`, contentType: 'image/png' },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'key',
    },
    {
      name: 'an unknown field',
      request: { method: 'PUT', key: 'k', contentType: 'image/png', bucket: 'other' },
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'bucket',
    },
  ])('refuses $name with the usual error body, and records nothing', async ({ request, status, code, field }) => {
    const user = await registerUser(t);
    const refused = await t.api
      .as(user)
      .signUpload(request as SignUploadRequestDto)
      .expect(status);
    expect(refused.body).toMatchObject({ success: false, code, statusCode: status, requestId: expect.any(String) });
    if (field) expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await rowsOf(user)).toEqual([]);
  });

  it('bounds part numbers by a declared size (parts are at least 5 MiB but the last)', async () => {
    const user = await registerUser(t);
    const { key, uploadId } = await createMultipart(user, { size: 12 * MiB });
    await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber: 3 }).expect(200);
    const beyond = await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber: 4 }).expect(400);
    expect(beyond.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'partNumber' }] });
  });

  it('counts PutObject and CreateMultipartUpload against the pending-upload cap (429, nothing written)', async () => {
    const user = await registerUser(t);
    await createMultipart(user);
    await t.api
      .as(user)
      .signUpload({ method: 'PUT', key: uppyKey('1.png'), contentType: 'image/png' })
      .expect(200);
    await t.api
      .as(user)
      .signUpload({ method: 'PUT', key: uppyKey('2.png'), contentType: 'image/png' })
      .expect(200);
    const rows = await rowsOf(user);
    for (const request of [
      { method: 'PUT', key: uppyKey('3.png'), contentType: 'image/png' },
      { method: 'POST', key: uppyKey('3.bin'), contentType: 'application/octet-stream' },
    ] as const) {
      const refused = await t.api.as(user).signUpload(request).expect(429);
      expect(refused.body.code).toBe('TOO_MANY_PENDING_UPLOADS');
    }
    expect(await rowsOf(user)).toEqual(rows);
  });

  it('the store checks the signature of every operation: a tampered URL is refused', async () => {
    const user = await registerUser(t);
    const { body: create } = await t.api
      .as(user)
      .signUpload({ method: 'POST', key: uppyKey('s.bin'), contentType: 'application/octet-stream' })
      .expect(200);
    expect((await send({ ...create, url: tamper(create.url) })).status).toBe(403);
    expect((await send({ ...create, headers: { 'Content-Type': 'image/png' } })).status).toBe(403);
    const { key, uploadId } = await createMultipart(user);
    for (const request of uploadIdRequests(key, uploadId)) {
      const { body: signed } = await t.api.as(user).signUpload(request).expect(200);
      const answer = await send({ ...signed, url: tamper(signed.url) }, request.method === 'PUT' ? 'x' : undefined);
      expect([answer.status, answer.code]).toEqual([403, 'SignatureDoesNotMatch']);
    }
    // Unsigned, ListParts and AbortMultipartUpload are refused as on a private bucket.
    const unsigned = `${new URL(create.url).origin}${new URL(create.url).pathname.replace(/[^/]+$/, encodeURIComponent(key))}?uploadId=${uploadId}`;
    expect((await fetch(unsigned)).status).toBe(403);
    expect((await fetch(unsigned, { method: 'DELETE' })).status).toBe(403);
    expect(await t.storage.listParts(key, uploadId)).toEqual([]);
  });

  it('the sweeper aborts a multipart upload the client started but never finished', async () => {
    const user = await registerUser(t);
    const { key, uploadId } = await createMultipart(user);
    const { body: part } = await t.api.as(user).signUpload({ method: 'PUT', key, uploadId, partNumber: 1 }).expect(200);
    expect((await send(part, Buffer.alloc(1024))).status).toBe(200);
    await expireUploads(t, key, 100_000);
    await t.app.get(PendingUploadsSweeper).sweep();
    expect(await t.storage.listParts(key, uploadId)).toBeNull();
    expect(await rowsOf(user)).toEqual([]);
  });
});

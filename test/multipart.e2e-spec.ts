import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { createBucketInspector } from './support/bucket.js';
import { pngBytes } from './support/fixtures.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

type User = Awaited<ReturnType<typeof registerUser>>;
interface PartUrl {
  partNumber: number;
  url: string;
  size: number;
}

const MiB = 1024 * 1024;

/** Multipart uploads of real bytes through presigned part URLs, against the signature-checking store. */
describe('multipart uploads', () => {
  let t: TestApp;
  const bucket = createBucketInspector();

  const start = (user: User, body: object) => t.http.post('/files/multipart').set(user.auth).send(body);
  const putPart = async (part: PartUrl, bytes: Buffer) => {
    const response = await fetch(part.url, { method: 'PUT', body: bytes });
    return { status: response.status, etag: response.headers.get('etag') as string };
  };
  const slice = (file: Buffer, part: PartUrl, partSize: number) =>
    file.subarray((part.partNumber - 1) * partSize, (part.partNumber - 1) * partSize + part.size);

  beforeAll(async () => {
    t = await createTestApp({ MULTIPART_PART_SIZE: String(5 * MiB), MULTIPART_URLS_PER_REQUEST: '2', UPLOAD_MAX_SIZE: String(64 * MiB) });
  });
  afterAll(async () => {
    bucket.destroy();
    await t.close();
  });

  it('uploads a file in several parts and records it, verified; completing again returns the same file', async () => {
    const user = await registerUser(t);
    const file = pngBytes(12 * MiB + 123);
    const started = await start(user, { fileName: 'big picture.png', contentType: 'image/png', size: file.length }).expect(201);
    expect(started.body).toMatchObject({
      success: true,
      uploadId: expect.any(String),
      partSize: 5 * MiB,
      partCount: 3,
      publicFileUrl: null,
    });
    expect(started.body.parts.map((p: PartUrl) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
    ]);
    for (const part of started.body.parts as PartUrl[]) {
      expect([...new URL(part.url).searchParams.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([]);
    }

    const more = await t.http
      .post(`/files/multipart/${started.body.uploadId}/part-urls`)
      .set(user.auth)
      .send({ partNumbers: [3] })
      .expect(200);
    expect(more.body.parts).toEqual([{ partNumber: 3, url: expect.any(String), size: 2 * MiB + 123 }]);

    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of [...started.body.parts, ...more.body.parts] as PartUrl[]) {
      const put = await putPart(part, slice(file, part, started.body.partSize));
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: put.etag });
    }

    const completed = await t.http.post(`/files/multipart/${started.body.uploadId}/complete`).set(user.auth).send({ parts }).expect(201);
    expect(completed.body).toEqual({
      success: true,
      file: expect.objectContaining({
        objectKey: started.body.objectKey,
        fileName: 'big picture.png',
        contentType: 'image/png',
        size: file.length,
      }),
    });
    expect((await bucket.read(started.body.objectKey))?.equals(file)).toBe(true);

    const again = await t.http.post(`/files/multipart/${started.body.uploadId}/complete`).set(user.auth).send({ parts }).expect(201);
    expect(again.body.file).toEqual(completed.body.file);
    expect((await t.http.get('/files').set(user.auth).expect(200)).body.items).toEqual([completed.body.file]);
  });

  it('resumes: the status lists the stored parts, the client uploads the rest and completes', async () => {
    const user = await registerUser(t);
    const file = randomBytes(11 * MiB);
    const started = await start(user, { fileName: 'data.bin', contentType: 'application/octet-stream', size: file.length }).expect(201);
    const urls = [
      ...started.body.parts,
      ...(
        await t.http
          .post(`/files/multipart/${started.body.uploadId}/part-urls`)
          .set(user.auth)
          .send({ partNumbers: [3] })
          .expect(200)
      ).body.parts,
    ] as [PartUrl, PartUrl, PartUrl];
    // The client uploads parts 1 and 3, then "crashes".
    await putPart(urls[0], slice(file, urls[0], started.body.partSize));
    await putPart(urls[2], slice(file, urls[2], started.body.partSize));

    const status = await t.http.get(`/files/multipart/${started.body.uploadId}`).set(user.auth).expect(200);
    expect(status.body).toMatchObject({ uploadId: started.body.uploadId, status: 'pending', partCount: 3, size: file.length });
    expect(status.body.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MiB],
      [3, MiB],
    ]);

    const early = await t.http
      .post(`/files/multipart/${started.body.uploadId}/complete`)
      .set(user.auth)
      .send({ parts: [1, 2, 3].map((n) => ({ partNumber: n, etag: status.body.parts[0].etag })) })
      .expect(409);
    expect(early.body).toMatchObject({ code: 'INVALID_PARTS' });
    expect(early.body.error).toContain('not uploaded: 2');

    const second = await putPart(urls[1], slice(file, urls[1], started.body.partSize));
    const parts = [
      { partNumber: 1, etag: status.body.parts[0].etag },
      { partNumber: 2, etag: second.etag },
      { partNumber: 3, etag: status.body.parts[1].etag },
    ];
    const done = await t.http.post(`/files/multipart/${started.body.uploadId}/complete`).set(user.auth).send({ parts }).expect(201);
    expect(done.body.file.size).toBe(file.length);
    expect((await bucket.read(started.body.objectKey))?.equals(file)).toBe(true);
    expect((await t.http.get(`/files/multipart/${started.body.uploadId}`).set(user.auth).expect(200)).body).toMatchObject({
      status: 'uploaded',
      parts: [],
    });
  });

  it('aborts: the parts are dropped and the upload is gone', async () => {
    const user = await registerUser(t);
    const started = await start(user, { fileName: 'x.bin', contentType: 'application/octet-stream', size: 6 * MiB }).expect(201);
    await putPart(started.body.parts[0], randomBytes(5 * MiB));
    await t.http.delete(`/files/multipart/${started.body.uploadId}`).set(user.auth).expect(204);
    expect(await t.storage.listParts(started.body.objectKey, started.body.uploadId)).toBeNull();
    await t.http.get(`/files/multipart/${started.body.uploadId}`).set(user.auth).expect(404);
    const complete = await t.http
      .post(`/files/multipart/${started.body.uploadId}/complete`)
      .set(user.auth)
      .send({
        parts: [
          { partNumber: 1, etag: 'x' },
          { partNumber: 2, etag: 'y' },
        ],
      })
      .expect(404);
    expect(complete.body.code).toBe('UPLOAD_NOT_FOUND');
    expect(await bucket.keys()).not.toContain(started.body.objectKey);
    expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = $1', [started.body.objectKey])).toEqual([]);
  });

  it('signs each part with its exact length: the store refuses a part of another size', async () => {
    const user = await registerUser(t);
    const started = await start(user, { fileName: 'x.bin', contentType: 'application/octet-stream', size: 6 * MiB }).expect(201);
    expect((await putPart(started.body.parts[0], randomBytes(5 * MiB + 1))).status).toBe(403);
    expect((await putPart(started.body.parts[1], randomBytes(MiB - 1))).status).toBe(403);
  });

  it('verifies the assembled object like save-metadata: a "PNG" that is not one is deleted and rejected', async () => {
    const user = await registerUser(t);
    const started = await start(user, { fileName: 'fake.png', contentType: 'image/png', size: 1000 }).expect(201);
    expect(started.body.partCount).toBe(1);
    const put = await putPart(started.body.parts[0], Buffer.alloc(1000, 'A'));
    const response = await t.http
      .post(`/files/multipart/${started.body.uploadId}/complete`)
      .set(user.auth)
      .send({ parts: [{ partNumber: 1, etag: put.etag }] })
      .expect(422);
    expect(response.body.code).toBe('FILE_SIGNATURE_MISMATCH');
    expect(await bucket.keys()).not.toContain(started.body.objectKey);
  });

  it("keeps other users out: someone else's uploadId is 404 on every route", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const started = await start(owner, { fileName: 'x.bin', contentType: 'application/octet-stream', size: 100 }).expect(201);
    const id = started.body.uploadId;
    await t.http.get(`/files/multipart/${id}`).set(other.auth).expect(404);
    await t.http
      .post(`/files/multipart/${id}/part-urls`)
      .set(other.auth)
      .send({ partNumbers: [1] })
      .expect(404);
    await t.http
      .post(`/files/multipart/${id}/complete`)
      .set(other.auth)
      .send({ parts: [{ partNumber: 1, etag: 'x' }] })
      .expect(404);
    await t.http.delete(`/files/multipart/${id}`).set(other.auth).expect(404);
    await t.http.get(`/files/multipart/${id}`).set(owner.auth).expect(200);
  });

  it.each([
    ['no size', { fileName: 'a.bin', contentType: 'application/octet-stream' }, 400, 'VALIDATION_FAILED'],
    ['a size above the limit', { fileName: 'a.bin', contentType: 'application/octet-stream', size: 64 * MiB + 1 }, 413, 'FILE_TOO_LARGE'],
    ['a bad file name', { fileName: '..', contentType: 'application/octet-stream', size: 10 }, 400, 'VALIDATION_FAILED'],
  ])('refuses a start with %s, recording nothing', async (_label, body, status, code) => {
    const user = await registerUser(t);
    const response = await start(user, body).expect(status);
    expect(response.body.code).toBe(code);
    expect(await t.db.query('SELECT 1 FROM r2_files WHERE user_id = $1', [user.id])).toEqual([]);
  });

  it('refuses part numbers beyond the part count and incomplete part lists', async () => {
    const user = await registerUser(t);
    const started = await start(user, { fileName: 'x.bin', contentType: 'application/octet-stream', size: 6 * MiB }).expect(201);
    const beyond = await t.http
      .post(`/files/multipart/${started.body.uploadId}/part-urls`)
      .set(user.auth)
      .send({ partNumbers: [3] })
      .expect(400);
    expect(beyond.body.details).toEqual([expect.objectContaining({ field: 'partNumbers' })]);
    const partial = await t.http
      .post(`/files/multipart/${started.body.uploadId}/complete`)
      .set(user.auth)
      .send({ parts: [{ partNumber: 1, etag: 'x' }] })
      .expect(400);
    expect(partial.body.details).toEqual([expect.objectContaining({ field: 'parts' })]);
  });

  it('the sweeper aborts stale multipart uploads and frees their parts', async () => {
    const user = await registerUser(t);
    const started = await start(user, { fileName: 'stale.bin', contentType: 'application/octet-stream', size: 6 * MiB }).expect(201);
    await putPart(started.body.parts[0], randomBytes(5 * MiB));
    await t.db.query(`UPDATE r2_files SET expires_at = now() - interval '1 day' WHERE object_key = $1`, [started.body.objectKey]);
    await t.app.get(PendingUploadsSweeper).sweep();
    expect(await t.storage.listParts(started.body.objectKey, started.body.uploadId)).toBeNull();
    expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = $1', [started.body.objectKey])).toEqual([]);
  });
});

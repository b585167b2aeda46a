import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import type { CompletedPartDto, PartUrlDto, StoredPartDto } from '../src/files/multipart/dto/multipart.dto.js';
import { waitFor } from './support/faults/wait.js';
import { pngBytes } from './support/fixtures.js';
import { type RegisteredUser, registerUser, useTestApp } from './support/test-app.js';
import { cutOffPut, expireUploads, putParts, putToStore } from './support/uploads.js';

const MiB = 1024 * 1024;

/** Multipart uploads of real bytes through presigned part URLs, against the signature-checking store. */
describe('multipart uploads', () => {
  const t = useTestApp({ MULTIPART_PART_SIZE: String(5 * MiB), MULTIPART_URLS_PER_REQUEST: '2', UPLOAD_MAX_SIZE: String(64 * MiB) });

  /** A 6 MiB upload started by `user`: two parts (5 MiB and 1 MiB), optionally the first already stored. */
  const startTwoParts = async (user: RegisteredUser, { storeFirstPart }: { storeFirstPart: boolean }) => {
    const { body } = await t.api
      .as(user)
      .startMultipart({ fileName: 'x.bin', contentType: 'application/octet-stream', size: 6 * MiB })
      .expect(201);
    if (storeFirstPart) await putParts(body.parts.slice(0, 1), randomBytes(6 * MiB), body.partSize);
    return body;
  };

  it('uploads a file in several parts and records it, verified; completing again returns the same file', async () => {
    const user = await registerUser(t);
    const file = pngBytes(12 * MiB + 123);
    const started = await t.api
      .as(user)
      .startMultipart({ fileName: 'big picture.png', contentType: 'image/png', size: file.length })
      .expect(201);
    expect(started.body).toMatchObject({
      success: true,
      uploadId: expect.any(String),
      partSize: 5 * MiB,
      partCount: 3,
      publicFileUrl: null,
    });
    expect(started.body.parts.map((p) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
    ]);
    for (const part of started.body.parts) {
      expect([...new URL(part.url).searchParams.keys()].filter((k) => k.toLowerCase().includes('checksum'))).toEqual([]);
    }

    const more = await t.api.as(user).partUrls(started.body.uploadId, [3]).expect(200);
    expect(more.body.parts).toEqual([{ partNumber: 3, url: expect.any(String), size: 2 * MiB + 123 }]);

    const parts = await putParts([...started.body.parts, ...more.body.parts], file, started.body.partSize);

    const completed = await t.api.as(user).completeMultipart(started.body.uploadId, parts).expect(201);
    expect(completed.body).toEqual({
      success: true,
      file: expect.objectContaining({
        objectKey: started.body.objectKey,
        fileName: 'big picture.png',
        contentType: 'image/png',
        size: file.length,
      }),
    });
    expect((await t.bucket.read(started.body.objectKey))?.equals(file)).toBe(true);

    const again = await t.api.as(user).completeMultipart(started.body.uploadId, parts).expect(201);
    expect(again.body.file).toEqual(completed.body.file);
    expect((await t.api.as(user).listFiles().expect(200)).body.items).toEqual([completed.body.file]);
  });

  it('resumes: the status lists the stored parts, the client uploads the rest and completes', async () => {
    const user = await registerUser(t);
    const file = randomBytes(11 * MiB);
    const started = await t.api
      .as(user)
      .startMultipart({ fileName: 'data.bin', contentType: 'application/octet-stream', size: file.length })
      .expect(201);
    const { uploadId, partSize } = started.body;
    const more = await t.api.as(user).partUrls(uploadId, [3]).expect(200);
    const urls = [...started.body.parts, ...more.body.parts] as [PartUrlDto, PartUrlDto, PartUrlDto];
    // The client uploads parts 1 and 3, then "crashes".
    await putParts([urls[0], urls[2]], file, partSize);

    const status = await t.api.as(user).multipartStatus(uploadId).expect(200);
    expect(status.body).toMatchObject({ uploadId, status: 'pending', partCount: 3, size: file.length });
    expect(status.body.parts.map((p) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MiB],
      [3, MiB],
    ]);
    const [stored1, stored3] = status.body.parts as [StoredPartDto, StoredPartDto];

    const early = await t.api
      .as(user)
      .completeMultipart(
        uploadId,
        [1, 2, 3].map((n) => ({ partNumber: n, etag: stored1.etag })),
      )
      .expect(409);
    expect(early.body).toMatchObject({ code: 'INVALID_PARTS' });
    expect(early.body.error).toContain('not uploaded: 2');

    const [second] = (await putParts([urls[1]], file, partSize)) as [CompletedPartDto];
    const parts = [{ partNumber: 1, etag: stored1.etag }, second, { partNumber: 3, etag: stored3.etag }];
    const done = await t.api.as(user).completeMultipart(uploadId, parts).expect(201);
    expect(done.body.file.size).toBe(file.length);
    expect((await t.bucket.read(started.body.objectKey))?.equals(file)).toBe(true);
    expect((await t.api.as(user).multipartStatus(uploadId).expect(200)).body).toMatchObject({ status: 'uploaded', parts: [] });
  });

  it('lists only whole parts after a part upload was cut off mid-body, and the upload resumes', async () => {
    const user = await registerUser(t);
    const file = randomBytes(6 * MiB);
    const started = await t.api
      .as(user)
      .startMultipart({ fileName: 'cut.bin', contentType: 'application/octet-stream', size: file.length })
      .expect(201);
    const { uploadId, partSize } = started.body;
    const [first, last] = started.body.parts as [PartUrlDto, PartUrlDto];
    const [stored] = (await putParts([last], file, partSize)) as [CompletedPartDto];

    await cutOffPut(first.url, first.size, MiB);
    // The store lists the whole part only (the dev store used to fail here: 503 on every resume).
    const status = await waitFor('the upload status after a cut-off part', () => t.api.as(user).multipartStatus(uploadId).expect(200));
    expect(status.body.parts).toEqual([{ partNumber: 2, etag: stored.etag, size: MiB }]);
    expect(await t.storage.listParts(started.body.objectKey, uploadId)).toEqual([{ partNumber: 2, etag: stored.etag, size: MiB }]);

    const [resent] = (await putParts([first], file, partSize)) as [CompletedPartDto];
    const done = await t.api.as(user).completeMultipart(uploadId, [resent, stored]).expect(201);
    expect(done.body.file.size).toBe(file.length);
    expect((await t.bucket.read(started.body.objectKey))?.equals(file)).toBe(true);
  });

  it('aborts: the parts are dropped and the upload is gone', async () => {
    const user = await registerUser(t);
    const { uploadId, objectKey } = await startTwoParts(user, { storeFirstPart: true });
    await t.api.as(user).abortMultipart(uploadId).expect(204);
    expect(await t.storage.listParts(objectKey, uploadId)).toBeNull();
    await t.api.as(user).multipartStatus(uploadId).expect(404);
    const complete = await t.api
      .as(user)
      .completeMultipart(uploadId, [
        { partNumber: 1, etag: 'x' },
        { partNumber: 2, etag: 'y' },
      ])
      .expect(404);
    expect(complete.body.code).toBe('UPLOAD_NOT_FOUND');
    expect(await t.bucket.has(objectKey)).toBe(false);
    expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = $1', [objectKey])).toEqual([]);
  });

  it('signs each part with its exact length: the store refuses a part of another size', async () => {
    const user = await registerUser(t);
    const started = await startTwoParts(user, { storeFirstPart: false });
    const [first, last] = started.parts as [PartUrlDto, PartUrlDto];
    expect((await putToStore(first.url, randomBytes(5 * MiB + 1))).status).toBe(403);
    expect((await putToStore(last.url, randomBytes(MiB - 1))).status).toBe(403);
  });

  it('verifies the assembled object like save-metadata: a "PNG" that is not one is deleted and rejected', async () => {
    const user = await registerUser(t);
    const started = await t.api.as(user).startMultipart({ fileName: 'fake.png', contentType: 'image/png', size: 1000 }).expect(201);
    expect(started.body.partCount).toBe(1);
    const parts = await putParts(started.body.parts, Buffer.alloc(1000, 'A'), started.body.partSize);
    const response = await t.api.as(user).completeMultipart(started.body.uploadId, parts).expect(422);
    expect(response.body.code).toBe('FILE_SIGNATURE_MISMATCH');
    expect(await t.bucket.has(started.body.objectKey)).toBe(false);
  });

  it("keeps other users out: someone else's uploadId is 404 on every route", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const started = await t.api
      .as(owner)
      .startMultipart({ fileName: 'x.bin', contentType: 'application/octet-stream', size: 100 })
      .expect(201);
    const id = started.body.uploadId;
    await t.api.as(other).multipartStatus(id).expect(404);
    await t.api.as(other).partUrls(id, [1]).expect(404);
    await t.api
      .as(other)
      .completeMultipart(id, [{ partNumber: 1, etag: 'x' }])
      .expect(404);
    await t.api.as(other).abortMultipart(id).expect(404);
    await t.api.as(owner).multipartStatus(id).expect(200);
  });

  it('the sweeper aborts stale multipart uploads and frees their parts', async () => {
    const user = await registerUser(t);
    const { uploadId, objectKey } = await startTwoParts(user, { storeFirstPart: true });
    await expireUploads(t, objectKey, 86_400);
    await t.app.get(PendingUploadsSweeper).sweep();
    expect(await t.storage.listParts(objectKey, uploadId)).toBeNull();
    expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = $1', [objectKey])).toEqual([]);
  });
});

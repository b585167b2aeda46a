import { describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { createBucketInspector } from './support/bucket.js';
import { registerUser, useTestApp } from './support/test-app.js';
import { expireUploadUrls, presignAndPut, putParts, putToStore, uploadFile } from './support/uploads.js';

const MiB = 1024 * 1024;

/** `DELETE /uploads/{objectKey}`: cancelling an unconfirmed upload, single-PUT or multipart. */
describe('cancelling an upload', () => {
  const t = useTestApp({
    UPLOAD_MAX_PENDING_PER_USER: '2',
    MULTIPART_PART_SIZE: String(5 * MiB),
    // No grace: a row the test makes sweepable is swept by the next run.
    SWEEPER_GRACE: '0',
  });
  const rowOf = async (objectKey: string) =>
    (await t.db.query<{ status: string }[]>('SELECT status FROM r2_files WHERE object_key = $1', [objectKey]))[0]?.status ?? null;
  const sweep = () => t.app.get(PendingUploadsSweeper).sweep();

  it('removes a pending upload and its object; it can no longer be confirmed and no longer counts against the cap', async () => {
    const user = await registerUser(t);
    const { objectKey } = await presignAndPut(t, user, { fileName: 'a.txt', contentType: 'text/plain' }, 'abc');
    await t.api.as(user).presign({ fileName: 'b.txt', contentType: 'text/plain' }).expect(201);
    await t.api.as(user).presign({ fileName: 'over.txt', contentType: 'text/plain' }).expect(429);

    await t.api.as(user).cancelUpload(objectKey).expect(204);
    expect(await t.bucket.has(objectKey)).toBe(false);
    const confirm = await t.api.as(user).saveMetadata({ objectKey }).expect(404);
    expect(confirm.body.code).toBe('UPLOAD_NOT_FOUND');
    await t.api.as(user).presign({ fileName: 'c.txt', contentType: 'text/plain' }).expect(201);
  });

  it('keeps a hidden row while the URL can still be used, so a PUT that lands after the cancel is swept', async () => {
    const user = await registerUser(t);
    const { body: presigned } = await t.api.as(user).presign({ fileName: 'late.txt', contentType: 'text/plain' }).expect(201);
    await t.api.as(user).cancelUpload(presigned.objectKey).expect(204);
    expect(await rowOf(presigned.objectKey)).toBe('deleting');
    // Cancelling again is harmless while the upload is being removed.
    await t.api.as(user).cancelUpload(presigned.objectKey).expect(204);

    // A PUT that was under way when the cancel came.
    expect((await putToStore(presigned.presignedUrl, 'late', { 'Content-Type': 'text/plain' })).status).toBe(200);
    await expireUploadUrls(t, presigned.objectKey);
    await sweep();
    expect(await t.bucket.has(presigned.objectKey)).toBe(false);
    expect(await rowOf(presigned.objectKey)).toBeNull();
    const again = await t.api.as(user).cancelUpload(presigned.objectKey).expect(404);
    expect(again.body.code).toBe('UPLOAD_NOT_FOUND');
  });

  it('removes an upload whose URL has expired at once; cancelling it again is 404', async () => {
    const user = await registerUser(t);
    const { objectKey } = await presignAndPut(t, user, { fileName: 'old.txt', contentType: 'text/plain' }, 'old');
    await expireUploadUrls(t, objectKey);
    await t.api.as(user).cancelUpload(objectKey).expect(204);
    expect(await rowOf(objectKey)).toBeNull();
    expect(await t.bucket.has(objectKey)).toBe(false);
    await t.api.as(user).cancelUpload(objectKey).expect(404);
  });

  it('aborts a multipart upload and frees its parts; cancelling it again is 404', async () => {
    const user = await registerUser(t);
    const size = 6 * MiB;
    const { body: started } = await t.api
      .as(user)
      .startMultipart({ fileName: 'big.bin', contentType: 'application/octet-stream', size })
      .expect(201);
    await putParts(started.parts.slice(0, 1), Buffer.alloc(size, 1), started.partSize);
    expect(await t.bucket.openMultipartUploads(started.objectKey)).toEqual([`${started.objectKey} ${started.uploadId}`]);

    await t.api.as(user).cancelUpload(started.objectKey).expect(204);
    expect(await t.bucket.openMultipartUploads(started.objectKey)).toEqual([]);
    expect(await rowOf(started.objectKey)).toBeNull();
    await t.api.as(user).multipartStatus(started.uploadId).expect(404);
    await t.api.as(user).cancelUpload(started.objectKey).expect(404);
  });

  it('refuses to cancel a confirmed upload (409 UPLOAD_CONFIRMED, naming the file) and keeps the file', async () => {
    const user = await registerUser(t);
    const file = await uploadFile(t, user.auth, 'kept.txt', 'text/plain', 'kept');
    const refused = await t.api.as(user).cancelUpload(file.objectKey).expect(409);
    expect(refused.body).toMatchObject({ code: 'UPLOAD_CONFIRMED', error: expect.stringContaining(`DELETE /files/${file.id}`) });
    expect(await t.bucket.has(file.objectKey)).toBe(true);
    await t.api.as(user).getFile(file.id).expect(200);
  });

  it("answers 404 for another user's upload and for an unknown key, and changes nothing", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const { objectKey } = await presignAndPut(t, owner, { fileName: 'mine.txt', contentType: 'text/plain' }, 'mine');
    const answer = await t.api.as(other).cancelUpload(objectKey).expect(404);
    expect(answer.body.code).toBe('UPLOAD_NOT_FOUND');
    await t.api.as(other).cancelUpload('00000000-0000-0000-0000-000000000000-nothing.txt').expect(404);
    expect(await rowOf(objectKey)).toBe('pending');
    expect(await t.bucket.has(objectKey)).toBe(true);
    await t.api.as(owner).saveMetadata({ objectKey }).expect(201);
  });

  it('lists open multipart uploads only for a correctly signed request (the emulator checks it as a store would)', async () => {
    const forged = createBucketInspector({ ...process.env, R2_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      await expect(forged.openMultipartUploads()).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    } finally {
      forged.destroy();
    }
    await expect(t.bucket.openMultipartUploads()).resolves.toEqual(expect.any(Array));
  });
});

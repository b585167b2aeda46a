import { beforeAll, describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { expectUnavailable } from './support/faults/unavailable.js';
import { useFaultStack } from './support/faults/use-fault-stack.js';
import { waitFor } from './support/faults/wait.js';
import { registerUser } from './support/test-app.js';
import { expireUploads, presignAndPut, uploadFile } from './support/uploads.js';

type User = Awaited<ReturnType<typeof registerUser>>;

/**
 * Deletes, cancels and the sweeper when the store fails, hangs or loses its answer: a file is never
 * listed without its bytes, and nothing is left that the sweeper cannot clean.
 */
describe('cleanup under store faults', () => {
  /** Each store call gives up after 2 attempts of 600 ms. */
  const STORE_BOUNDS = { STORAGE_CONNECT_TIMEOUT: '300', STORAGE_REQUEST_TIMEOUT: '600', STORAGE_MAX_ATTEMPTS: '2' };
  const ATTEMPTS = Number(STORE_BOUNDS.STORAGE_MAX_ATTEMPTS);
  // No grace: a row the test makes sweepable is swept by the next run.
  const { stack, t } = useFaultStack({ ...STORE_BOUNDS, SWEEPER_GRACE: '0' });
  let user: User;

  beforeAll(async () => {
    user = await registerUser(t);
  });

  const rowOf = async (id: number) =>
    (await stack.postgres.query<{ status: string }>('SELECT status FROM r2_files WHERE id = $1', [id]))[0]?.status ?? null;
  const keyRow = async (objectKey: string) =>
    (await stack.postgres.query<{ status: string }>('SELECT status FROM r2_files WHERE object_key = $1', [objectKey]))[0]?.status ?? null;
  const listed = async () => (await t.api.as(user).listFiles().expect(200)).body.items.map((file) => file.id);
  const sweep = () => t.app.get(PendingUploadsSweeper).sweep();

  describe('DELETE /files/:id', () => {
    it('a store error hides the file for good (503); deleting again finishes the job', async () => {
      const file = await uploadFile(t, user.auth, 'fail.txt', 'text/plain', 'fail');
      stack.proxy.failNext(ATTEMPTS, 503, { operation: 'DeleteObject' });
      await expectUnavailable('delete, store failing', t.http.delete(`/files/${file.id}`).set(user.auth), 'STORAGE_UNAVAILABLE');
      expect(await rowOf(file.id)).toBe('deleting');
      await t.api.as(user).getFile(file.id).expect(404);
      expect(await listed()).not.toContain(file.id);
      expect(await stack.bucket.has(file.objectKey)).toBe(true);

      await t.api.as(user).deleteFile(file.id).expect(204);
      expect(await rowOf(file.id)).toBeNull();
      expect(await stack.bucket.has(file.objectKey)).toBe(false);
      await t.api.as(user).deleteFile(file.id).expect(404);
    }, 60_000);

    it('a lost answer (the store deleted the object) is a 503 with the file hidden; deleting again answers 204', async () => {
      const file = await uploadFile(t, user.auth, 'lost.txt', 'text/plain', 'lost');
      stack.proxy.dropAnswerNext(ATTEMPTS, { operation: 'DeleteObject' });
      await expectUnavailable('delete, answer lost', t.http.delete(`/files/${file.id}`).set(user.auth), 'STORAGE_UNAVAILABLE');
      expect(await stack.bucket.has(file.objectKey)).toBe(false);
      await t.api.as(user).getFile(file.id).expect(404);
      await t.api.as(user).downloadUrl(file.id).expect(404);
      expect(await listed()).not.toContain(file.id);

      await t.api.as(user).deleteFile(file.id).expect(204);
      expect(await rowOf(file.id)).toBeNull();
    }, 60_000);

    it('the sweeper finishes a delete whose store call failed', async () => {
      const file = await uploadFile(t, user.auth, 'swept.txt', 'text/plain', 'swept');
      stack.proxy.failNext(ATTEMPTS, 'reset', { operation: 'DeleteObject' });
      await expectUnavailable('delete, connection reset', t.http.delete(`/files/${file.id}`).set(user.auth), 'STORAGE_UNAVAILABLE');
      expect(await rowOf(file.id)).toBe('deleting');
      await sweep();
      expect(await rowOf(file.id)).toBeNull();
      expect(await stack.bucket.has(file.objectKey)).toBe(false);
    }, 60_000);

    it('two overlapping deletes, the first meeting a store error: 204 and 503 (or 204 twice), never a file listed without its bytes', async () => {
      const file = await uploadFile(t, user.auth, 'overlap.txt', 'text/plain', 'overlap');
      stack.proxy.clearLog();
      stack.proxy.failNext(ATTEMPTS, 503, { operation: 'DeleteObject' });
      const first = t.api
        .as(user)
        .deleteFile(file.id)
        .then((answer) => answer);
      await waitFor('the first delete to meet the store error', () => stack.proxy.seen({ operation: 'DeleteObject' }).some((r) => r.done));
      const second = await t.api.as(user).deleteFile(file.id);
      const statuses = [(await first).status, second.status].sort();
      expect([
        [204, 503],
        [204, 204],
      ]).toContainEqual(statuses);
      expect(second.status).toBe(204);
      expect(await listed()).not.toContain(file.id);
      expect(await rowOf(file.id)).toBeNull();
      expect(await stack.bucket.has(file.objectKey)).toBe(false);
      await t.api.as(user).deleteFile(file.id).expect(404);
    }, 60_000);

    it('deletes that overlap in the store all answer 204, then 404', async () => {
      const file = await uploadFile(t, user.auth, 'thrice.txt', 'text/plain', 'thrice');
      stack.proxy.clearLog();
      stack.proxy.delay(1000, { operation: 'DeleteObject' });
      let answers;
      try {
        const deletes = [1, 2, 3].map(() =>
          t.api
            .as(user)
            .deleteFile(file.id)
            .then((answer) => answer.status),
        );
        await waitFor('three store deletes in flight', () => stack.proxy.seen({ operation: 'DeleteObject' }).length === 3);
        stack.proxy.pass();
        answers = await Promise.all(deletes);
      } finally {
        stack.proxy.pass();
      }
      expect(answers).toEqual([204, 204, 204]);
      expect(await rowOf(file.id)).toBeNull();
      expect(await stack.bucket.has(file.objectKey)).toBe(false);
      await t.api.as(user).deleteFile(file.id).expect(404);
    }, 60_000);
  });

  describe('DELETE /uploads/:objectKey', () => {
    it('a store error answers 503 and leaves the upload cancelled but its row in place; a retry finishes it', async () => {
      const { objectKey } = await presignAndPut(t, user, { fileName: 'cancel.txt', contentType: 'text/plain' }, 'cancel');
      stack.proxy.failNext(ATTEMPTS, 503, { operation: 'DeleteObject' });
      await expectUnavailable('cancel, store failing', t.http.delete(`/uploads/${objectKey}`).set(user.auth), 'STORAGE_UNAVAILABLE');
      expect(await keyRow(objectKey)).toBe('deleting');
      expect(await stack.bucket.has(objectKey)).toBe(true);
      const confirm = await t.api.as(user).saveMetadata({ objectKey }).expect(404);
      expect(confirm.body.code).toBe('UPLOAD_NOT_FOUND');

      await t.api.as(user).cancelUpload(objectKey).expect(204);
      expect(await stack.bucket.has(objectKey)).toBe(false);
    }, 60_000);

    it('a multipart cancel whose listing fails keeps the row; the sweeper aborts what is open under the key', async () => {
      const { body: started } = await t.api
        .as(user)
        .startMultipart({ fileName: 'm.bin', contentType: 'application/octet-stream', size: 1000 })
        .expect(201);
      stack.proxy.failNext(ATTEMPTS, 503, { operation: 'ListMultipartUploads' });
      await expectUnavailable(
        'multipart cancel, store failing',
        t.http.delete(`/uploads/${started.objectKey}`).set(user.auth),
        'STORAGE_UNAVAILABLE',
      );
      expect(await keyRow(started.objectKey)).toBe('deleting');
      expect(await stack.bucket.openMultipartUploads(started.objectKey)).toHaveLength(1);
      await sweep();
      expect(await stack.bucket.openMultipartUploads(started.objectKey)).toEqual([]);
      expect(await keyRow(started.objectKey)).toBeNull();
    }, 60_000);
  });

  describe('multipart start cut short', () => {
    const START = { fileName: 'cut.bin', contentType: 'application/octet-stream', size: 1000 };
    /** The keys of the user's multipart rows that never got an upload id. */
    const startsWithoutUploadId = async () =>
      (
        await stack.postgres.query<{ object_key: string; status: string }>(
          `SELECT object_key, status FROM r2_files WHERE user_id = $1 AND part_count IS NOT NULL AND multipart_upload_id IS NULL`,
          [user.id],
        )
      ).map((row) => row.object_key);

    it('the store created the upload but its answer was lost: 503, and the sweeper aborts every upload under the key', async () => {
      const before = await startsWithoutUploadId();
      stack.proxy.dropAnswerNext(ATTEMPTS, { operation: 'CreateMultipartUpload' });
      await expectUnavailable(
        'multipart start, answer lost',
        t.http.post('/files/multipart').set(user.auth).send(START),
        'STORAGE_UNAVAILABLE',
      );
      const [objectKey] = (await startsWithoutUploadId()).filter((key) => !before.includes(key));
      if (!objectKey) throw new Error('the start left no pending row');
      // Each attempt the SDK made created an upload nobody was told of.
      expect(await stack.bucket.openMultipartUploads(objectKey)).toHaveLength(ATTEMPTS);

      await expireUploads(t, objectKey, 1);
      await sweep();
      expect(await stack.bucket.openMultipartUploads(objectKey)).toEqual([]);
      expect(await keyRow(objectKey)).toBeNull();
    }, 60_000);

    it('a frozen store: 503 within the bound; the uploads it creates once thawed are still swept', async () => {
      const before = await startsWithoutUploadId();
      stack.store.freeze();
      try {
        await expectUnavailable(
          'multipart start, store frozen',
          t.http.post('/files/multipart').set(user.auth).send(START),
          'STORAGE_UNAVAILABLE',
        );
      } finally {
        stack.store.thaw();
      }
      const [objectKey] = (await startsWithoutUploadId()).filter((key) => !before.includes(key));
      if (!objectKey) throw new Error('the start left no pending row');
      // Thawed, the store works through the requests it had received after the API gave up.
      await waitFor(
        'the store to create the abandoned uploads',
        async () => (await stack.bucket.openMultipartUploads(objectKey)).length > 0,
      );
      await expireUploads(t, objectKey, 1);
      await sweep();
      expect(await stack.bucket.openMultipartUploads(objectKey)).toEqual([]);
      expect(await keyRow(objectKey)).toBeNull();
    }, 60_000);
  });
});

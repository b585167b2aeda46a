import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { type FaultStack, startFaultStack } from './support/faults/fault-stack.js';
import { expectUnavailable } from './support/faults/unavailable.js';
import { waitFor } from './support/faults/wait.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';
import { uploadFile } from './support/uploads.js';

type User = Awaited<ReturnType<typeof registerUser>>;

/**
 * Deletes, cancels and the sweeper when the store fails, hangs or loses its answer: a file is never
 * listed without its bytes, and nothing is left that the sweeper cannot clean.
 */
describe('cleanup under store faults', () => {
  /** Each store call gives up after 2 attempts of 600 ms. */
  const STORE_BOUNDS = { STORAGE_CONNECT_TIMEOUT: '300', STORAGE_REQUEST_TIMEOUT: '600', STORAGE_MAX_ATTEMPTS: '2' };
  const ATTEMPTS = Number(STORE_BOUNDS.STORAGE_MAX_ATTEMPTS);
  let stack: FaultStack;
  let t: TestApp;
  let user: User;

  beforeAll(async () => {
    stack = await startFaultStack();
    // No grace: a row the test makes sweepable is swept by the next run.
    t = await createTestApp({ ...stack.env, ...STORE_BOUNDS, SWEEPER_GRACE: '0' });
    user = await registerUser(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await stack?.dispose();
  }, 60_000);

  const rowOf = async (id: number) =>
    (await stack.postgres.query<{ status: string }>('SELECT status FROM r2_files WHERE id = $1', [id]))[0]?.status ?? null;
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
});

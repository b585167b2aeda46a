import { beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorResponseDto } from '../src/common/errors/error-response.dto.js';
import { unreadBytesOnPort } from './support/faults/process-tree.js';
import { ANSWER_DEADLINE_MS, expectUnavailable } from './support/faults/unavailable.js';
import { useFaultStack } from './support/faults/use-fault-stack.js';
import { settlesWithin, waitFor } from './support/faults/wait.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';
import { presignAndPut, uploadFile } from './support/uploads.js';

type User = Awaited<ReturnType<typeof registerUser>>;

/**
 * Object store outages — stopped, frozen (TCP open, no answer), failing, too slow — answer 503
 * STORAGE_UNAVAILABLE with Retry-After within STORAGE_MAX_ATTEMPTS × STORAGE_REQUEST_TIMEOUT, and
 * leave nothing half-written: a confirm that failed can be retried, a multipart start leaves at
 * most a pending upload (which the sweeper removes).
 */
describe('object store outages', () => {
  /** Each store call gives up after 2 attempts of 600 ms: about 1.3 s with back-off. */
  const STORE_BOUNDS = { STORAGE_CONNECT_TIMEOUT: '300', STORAGE_REQUEST_TIMEOUT: '600', STORAGE_MAX_ATTEMPTS: '2' };
  const { stack, t } = useFaultStack(STORE_BOUNDS);
  let user: User;

  beforeAll(async () => {
    user = await registerUser(t);
  });

  /** A presigned upload whose bytes are in the store, not yet confirmed. */
  const putPending = async (app: TestApp, name: string) =>
    (await presignAndPut(app, user, { fileName: name, contentType: 'text/plain' }, 'bytes')).objectKey;
  const rows = () =>
    stack.postgres.query<{ object_key: string; status: string }>('SELECT object_key, status FROM r2_files WHERE user_id = $1 ORDER BY id', [
      user.id,
    ]);

  /** Every route that calls the store on the request's path, against fresh fixtures. */
  const storeBoundRequests = async (app: TestApp) => {
    const pendingKey = await putPending(app, 'confirm-me.txt');
    const file = await uploadFile(app, user.auth, 'delete-me.txt', 'text/plain', 'x');
    const multipart = await app.api
      .as(user)
      .startMultipart({ fileName: 'm.bin', contentType: 'application/octet-stream', size: 1000 })
      .expect(201);
    const uploadId = multipart.body.uploadId;
    return {
      pendingKey,
      file,
      calls: () =>
        [
          ['POST /save-metadata', app.http.post('/save-metadata').set(user.auth).send({ objectKey: pendingKey })],
          ['DELETE /files/:id', app.http.delete(`/files/${file.id}`).set(user.auth)],
          [
            'POST /files/multipart',
            app.http
              .post('/files/multipart')
              .set(user.auth)
              .send({ fileName: 'n.bin', contentType: 'application/octet-stream', size: 1000 }),
          ],
          ['GET /files/multipart/:uploadId', app.http.get(`/files/multipart/${uploadId}`).set(user.auth)],
          [
            'POST /files/multipart/:uploadId/complete',
            app.http
              .post(`/files/multipart/${uploadId}/complete`)
              .set(user.auth)
              .send({ parts: [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }] }),
          ],
        ] as const,
    };
  };

  /**
   * What an outage may leave: every row that was there is still there (the delete target aside:
   * delete has its own rules), nothing became `uploaded`, anything new is a pending upload the
   * sweeper removes once expired; no object appeared in the bucket.
   */
  const expectNothingHalfWritten = async (
    before: { rows: { object_key: string; status: string }[]; keys: string[] },
    deleteTarget: string,
  ) => {
    const after = await rows();
    const kept = (list: { object_key: string }[]) => list.filter((row) => row.object_key !== deleteTarget);
    const beforeKeys = new Set(before.rows.map((row) => row.object_key));
    expect(kept(after).filter((row) => beforeKeys.has(row.object_key))).toEqual(kept(before.rows));
    expect(after.filter((row) => !beforeKeys.has(row.object_key)).map((row) => row.status)).toEqual(
      after.filter((row) => !beforeKeys.has(row.object_key)).map(() => 'pending'),
    );
    const keysAfter = await stack.bucketKeys();
    expect(keysAfter.filter((key) => key !== deleteTarget)).toEqual(before.keys.filter((key) => key !== deleteTarget));
  };

  it('frozen (connections open, no answer): every store-bound route answers 503 within the bound; nothing half-written; thaw recovers', async () => {
    const fixtures = await storeBoundRequests(t);
    const before = { rows: await rows(), keys: await stack.bucketKeys() };
    stack.store.freeze();
    try {
      for (const [what, call] of fixtures.calls()) await expectUnavailable(what, call, 'STORAGE_UNAVAILABLE');
      const ready = await settlesWithin('readiness', Promise.resolve(t.http.get('/health/ready')), ANSWER_DEADLINE_MS);
      expect(ready.status).toBe(503);
      expect((ready.body as ErrorResponseDto<'NOT_READY'>).details?.details).toMatchObject({
        database: { status: 'up' },
        bucket: { status: 'down' },
      });
      // Presigning is local (a signature): it still works, and the URL will work once the store is back.
      await t.http.post('/presign-upload').set(user.auth).send({ fileName: 'later.txt', contentType: 'text/plain' }).expect(201);
    } finally {
      stack.store.thaw();
    }
    await expectNothingHalfWritten(before, fixtures.file.objectKey);
    // The confirm that failed is simply retried.
    await t.http.post('/save-metadata').set(user.auth).send({ objectKey: fixtures.pendingKey }).expect(201);
    await t.http.get('/health/ready').expect(200);
  }, 120_000);

  it('stopped (connection refused): every store-bound route answers 503 at once; start recovers without a restart', async () => {
    const direct = await createTestApp({
      ...stack.env,
      ...STORE_BOUNDS,
      S3_ENDPOINT: stack.store.endpoint,
      S3_PRESIGN_ENDPOINT: stack.store.endpoint,
    });
    try {
      const fixtures = await storeBoundRequests(direct);
      const before = { rows: await rows(), keys: await stack.bucketKeys() };
      await stack.store.stop();
      try {
        for (const [what, call] of fixtures.calls()) await expectUnavailable(what, call, 'STORAGE_UNAVAILABLE');
        const ready = await settlesWithin('readiness', Promise.resolve(direct.http.get('/health/ready')), ANSWER_DEADLINE_MS);
        expect((ready.body as ErrorResponseDto<'NOT_READY'>).details?.details).toMatchObject({
          database: { status: 'up' },
          bucket: { status: 'down' },
        });
      } finally {
        await stack.store.start();
      }
      await expectNothingHalfWritten(before, fixtures.file.objectKey);
      await direct.http.post('/save-metadata').set(user.auth).send({ objectKey: fixtures.pendingKey }).expect(201);
    } finally {
      await direct.close();
    }
  }, 120_000);

  describe('through the fault proxy', () => {
    it('an error on every attempt is a 503 after exactly STORAGE_MAX_ATTEMPTS attempts; one failed attempt is retried transparently', async () => {
      const key = await putPending(t, 'retry.txt');
      stack.proxy.clearLog();
      stack.proxy.failNext(2, 503, { operation: 'HeadObject' });
      await expectUnavailable(
        'confirm, store failing',
        t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }),
        'STORAGE_UNAVAILABLE',
      );
      expect(stack.proxy.seen({ operation: 'HeadObject' }).map((r) => r.fault)).toEqual(['fail-503', 'fail-503']);
      expect((await rows()).find((row) => row.object_key === key)?.status).toBe('pending');

      stack.proxy.failNext(1, 500, { operation: 'HeadObject' });
      await t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }).expect(201);
    }, 60_000);

    it('a store slower than STORAGE_REQUEST_TIMEOUT is a 503 within the bound, and the call is not repeated forever', async () => {
      const key = await putPending(t, 'slow.txt');
      stack.proxy.clearLog();
      stack.proxy.delay(30_000, { operation: 'HeadObject' });
      try {
        await expectUnavailable(
          'confirm, store too slow',
          t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }),
          'STORAGE_UNAVAILABLE',
        );
        expect(stack.proxy.seen({ operation: 'HeadObject' })).toHaveLength(Number(STORE_BOUNDS.STORAGE_MAX_ATTEMPTS));
      } finally {
        stack.proxy.pass();
      }
      await t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }).expect(201);
    }, 60_000);

    it('connections reset on multipart start: 503, and no row that is not a pending upload', async () => {
      const before = await rows();
      stack.proxy.failNext(2, 'reset', { operation: 'CreateMultipartUpload' });
      await expectUnavailable(
        'multipart start, connection reset',
        t.http.post('/files/multipart').set(user.auth).send({ fileName: 'r.bin', contentType: 'application/octet-stream', size: 1000 }),
        'STORAGE_UNAVAILABLE',
      );
      const added = (await rows()).slice(before.length);
      expect(added.every((row) => row.status === 'pending')).toBe(true);
      await t.http
        .post('/files/multipart')
        .set(user.auth)
        .send({ fileName: 'r.bin', contentType: 'application/octet-stream', size: 1000 })
        .expect(201);
    }, 60_000);

    it('a confirm that reached a frozen store is answered 503, and succeeds when retried after the thaw', async () => {
      const key = await putPending(t, 'abandoned.txt');
      stack.store.freeze();
      try {
        const confirm = expectUnavailable(
          'confirm, store frozen',
          t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }),
          'STORAGE_UNAVAILABLE',
        );
        await waitFor('the request to wait on the frozen store', () => unreadBytesOnPort(stack.store.port) > 0);
        await confirm;
      } finally {
        stack.store.thaw();
      }
      // After the thaw the store works through what it had received; the upload is still pending and confirmable.
      await t.http.post('/save-metadata').set(user.auth).send({ objectKey: key }).expect(201);
    }, 60_000);
  });
});

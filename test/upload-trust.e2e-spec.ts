import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { countPendingUpTo } from '../src/files/r2-files.repository.js';
import { createBucketInspector } from './support/bucket.js';
import { pngBytes } from './support/fixtures.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

type User = Awaited<ReturnType<typeof registerUser>>;

/** Limits, verification, expiry, quotas and cleanup, with small limits so real bytes can hit them. */
describe('uploads that can be trusted', () => {
  let t: TestApp;
  const bucket = createBucketInspector();
  const MAX = 1000;

  const presign = (user: User, body: object) => t.http.post('/presign-upload').set(user.auth).send(body);
  const confirm = (user: User, objectKey: string) => t.http.post('/save-metadata').set(user.auth).send({ objectKey });
  const put = (url: string, body: Buffer | string, contentType: string) =>
    fetch(url, { method: 'PUT', body, headers: { 'Content-Type': contentType } });
  const rowOf = async (objectKey: string) =>
    (await t.db.query('SELECT status, size, content_type FROM r2_files WHERE object_key = $1', [objectKey]))[0];

  beforeAll(async () => {
    t = await createTestApp({
      UPLOAD_MAX_SIZE: String(MAX),
      UPLOAD_ALLOWED_TYPES: 'image/*, application/pdf, text/plain',
      UPLOAD_MAX_PENDING_PER_USER: '3',
      SWEEPER_GRACE: '60',
      SWEEPER_BATCH_SIZE: '2',
    });
  });
  afterAll(async () => {
    bucket.destroy();
    await t.close();
  });

  describe('limits at presign time', () => {
    it('refuses a declared size above the limit with 413, recording nothing', async () => {
      const user = await registerUser(t);
      const response = await presign(user, { fileName: 'big.png', contentType: 'image/png', size: MAX + 1 }).expect(413);
      expect(response.body).toMatchObject({ code: 'FILE_TOO_LARGE', statusCode: 413 });
      expect(response.body.error).toContain(String(MAX));
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE user_id = $1', [user.id])).toEqual([]);
    });

    it('refuses a type outside the allow-list with 415', async () => {
      const user = await registerUser(t);
      const response = await presign(user, { fileName: 'page.html', contentType: 'text/html' }).expect(415);
      expect(response.body).toMatchObject({ code: 'CONTENT_TYPE_NOT_ALLOWED', statusCode: 415 });
      await presign(user, { fileName: 'pic.webp', contentType: 'image/webp' }).expect(201);
    });

    it('can require a declared size', async () => {
      const strict = await createTestApp({ UPLOAD_REQUIRE_SIZE: 'true' });
      try {
        const user = await registerUser(strict);
        const response = await strict.http
          .post('/presign-upload')
          .set(user.auth)
          .send({ fileName: 'a.txt', contentType: 'text/plain' })
          .expect(400);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'size', problems: [expect.any(String)] }] });
      } finally {
        await strict.close();
      }
    });

    it('caps the uploads a user may leave unconfirmed, even under concurrent requests', async () => {
      const user = await registerUser(t);
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => presign(user, { fileName: `f${i}.txt`, contentType: 'text/plain' })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
      expect(responses.find((r) => r.status === 429)?.body).toMatchObject({ code: 'TOO_MANY_PENDING_UPLOADS' });
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1`, [user.id]);
      expect(n).toBe(3);

      // Confirming one frees a place.
      const first = responses.find((r) => r.status === 201)?.body;
      await put(first.presignedUrl, 'done', 'text/plain');
      await confirm(user, first.objectKey).expect(201);
      await presign(user, { fileName: 'next.txt', contentType: 'text/plain' }).expect(201);
      await presign(user, { fileName: 'over.txt', contentType: 'text/plain' }).expect(429);
    });

    it("counts the caller's pending uploads through their own index, however many others have", async () => {
      const tag = `quota-plan-${Date.now()}`;
      await t.db.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status, expires_at)
         SELECT $1 || '-' || g, $1 || '-' || (g % 500), 'f.txt', 'text/plain', 'pending', now() + interval '1 hour'
         FROM generate_series(1, 40000) g`,
        [tag],
      );
      await t.db.query('ANALYZE r2_files');
      try {
        const [{ 'QUERY PLAN': plan }] = await t.db.query(`EXPLAIN (FORMAT JSON, ANALYZE) ${countPendingUpTo(`${tag}-7`, 100).text}`);
        const text = JSON.stringify(plan);
        expect(text).toContain('r2_files_user_pending_idx');
        expect(text).not.toContain('Seq Scan');
        // The user has 80 pending rows: the scan reads those, not the 40,000 of everyone.
        expect(text).toMatch(/"Actual Rows":80(\.0+)?[,}]/);
        const [{ count }] = await t.db.query(countPendingUpTo(`${tag}-7`, 50).text);
        expect(Number(count)).toBe(50);
      } finally {
        await t.db.query(`DELETE FROM r2_files WHERE object_key LIKE $1`, [`${tag}-%`]);
      }
    });
  });

  describe('verification at confirm', () => {
    it('deletes and rejects an undeclared upload larger than the limit', async () => {
      const user = await registerUser(t);
      const { body } = await presign(user, { fileName: 'a.txt', contentType: 'text/plain' }).expect(201);
      expect((await put(body.presignedUrl, randomBytes(MAX + 1), 'text/plain')).status).toBe(200);
      const response = await confirm(user, body.objectKey).expect(413);
      expect(response.body).toMatchObject({ code: 'FILE_TOO_LARGE' });
      expect(await bucket.keys()).not.toContain(body.objectKey);
      expect(await rowOf(body.objectKey)).toMatchObject({ status: 'rejected' });
      const again = await confirm(user, body.objectKey).expect(422);
      expect(again.body.code).toBe('UPLOAD_REJECTED');
    });

    it('rejects bytes that do not match the declared type (a "PNG" that is not one)', async () => {
      const user = await registerUser(t);
      const { body } = await presign(user, { fileName: 'photo.png', contentType: 'image/png' }).expect(201);
      await put(body.presignedUrl, 'MZ\x90\x00 this is an executable', 'image/png');
      const response = await confirm(user, body.objectKey).expect(422);
      expect(response.body).toMatchObject({ code: 'FILE_SIGNATURE_MISMATCH' });
      expect(await bucket.keys()).not.toContain(body.objectKey);
      expect(await rowOf(body.objectKey)).toMatchObject({ status: 'rejected' });
    });

    it.each([
      ['image/png', 'a.png', pngBytes(200)],
      ['image/jpeg', 'a.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(100)])],
      ['image/gif', 'a.gif', Buffer.concat([Buffer.from('GIF89a'), randomBytes(100)])],
      ['image/webp', 'a.webp', Buffer.concat([Buffer.from('RIFF'), Buffer.from([100, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(90)])],
      ['application/pdf', 'a.pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n')],
    ])('accepts a genuine %s and records the real size and ETag', async (contentType, fileName, bytes) => {
      const user = await registerUser(t);
      const { body } = await presign(user, { fileName, contentType, size: bytes.length }).expect(201);
      expect((await put(body.presignedUrl, bytes, contentType)).status).toBe(200);
      const saved = await confirm(user, body.objectKey).expect(201);
      expect(saved.body.file).toMatchObject({ contentType, size: bytes.length, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    });

    it('rejects an object stored with another content type than presigned', async () => {
      const user = await registerUser(t);
      const { body } = await presign(user, { fileName: 'a.txt', contentType: 'text/plain' }).expect(201);
      await bucket.put(body.objectKey, 'planted behind the API', 'text/html');
      const response = await confirm(user, body.objectKey).expect(422);
      expect(response.body).toMatchObject({ code: 'CONTENT_TYPE_MISMATCH' });
      expect(await bucket.keys()).not.toContain(body.objectKey);
    });

    it('refuses to confirm an expired upload, with its own code, and changes nothing', async () => {
      const user = await registerUser(t);
      const { body } = await presign(user, { fileName: 'late.txt', contentType: 'text/plain' }).expect(201);
      await put(body.presignedUrl, 'late', 'text/plain');
      await t.db.query(`UPDATE r2_files SET expires_at = now() - interval '1 second' WHERE object_key = $1`, [body.objectKey]);
      const response = await confirm(user, body.objectKey).expect(410);
      expect(response.body).toMatchObject({ code: 'UPLOAD_EXPIRED', statusCode: 410 });
      expect(await rowOf(body.objectKey)).toMatchObject({ status: 'pending' });
    });
  });

  describe('cleanup sweeper', () => {
    it('removes expired pending uploads and their stray objects, and nothing else', async () => {
      const user = await registerUser(t);
      const start = async (name: string, upload: boolean) => {
        const { body } = await presign(user, { fileName: name, contentType: 'text/plain' }).expect(201);
        if (upload) await put(body.presignedUrl, name, 'text/plain');
        return body.objectKey as string;
      };
      const abandonedWithObject = await start('abandoned-1.txt', true);
      const abandonedWithout = await start('abandoned-2.txt', false);
      const recent = await start('recent.txt', true);
      // Expired, but still inside the sweeper's grace period (60 s here).
      await t.db.query(`UPDATE r2_files SET expires_at = now() - interval '2 hours' WHERE object_key = ANY($1)`, [
        [abandonedWithObject, abandonedWithout],
      ]);
      await t.db.query(`UPDATE r2_files SET expires_at = now() - interval '10 seconds' WHERE object_key = $1`, [recent]);

      const otherUser = await registerUser(t);
      const kept = (await presign(otherUser, { fileName: 'kept.txt', contentType: 'text/plain' }).expect(201)).body;
      await put(kept.presignedUrl, 'kept', 'text/plain');
      await confirm(otherUser, kept.objectKey).expect(201);

      const removed = await t.app.get(PendingUploadsSweeper).sweep();
      expect(removed).toBeGreaterThanOrEqual(2);
      const keys = await bucket.keys();
      expect(keys).not.toContain(abandonedWithObject);
      expect(keys).toEqual(expect.arrayContaining([recent, kept.objectKey]));
      const rows = await t.db.query('SELECT object_key FROM r2_files WHERE object_key = ANY($1)', [
        [abandonedWithObject, abandonedWithout, recent, kept.objectKey],
      ]);
      expect(rows.map((r: { object_key: string }) => r.object_key).sort()).toEqual([recent, kept.objectKey].sort());
    });

    it('never processes a row twice when instances sweep at the same time', async () => {
      const user = await registerUser(t);
      const keys: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { body } = await presign(user, { fileName: `s${i}.txt`, contentType: 'text/plain' }).expect(201);
        await put(body.presignedUrl, 'x', 'text/plain');
        keys.push(body.objectKey);
      }
      await t.db.query(`UPDATE r2_files SET expires_at = now() - interval '2 hours' WHERE object_key = ANY($1)`, [keys]);
      // Three instances of the app sweeping together (batch size 2, so each loops).
      const others = await Promise.all([
        createTestApp({ SWEEPER_GRACE: '60', SWEEPER_BATCH_SIZE: '2' }),
        createTestApp({ SWEEPER_GRACE: '60', SWEEPER_BATCH_SIZE: '2' }),
      ]);
      try {
        // Every sweepable row (ours, plus any other test's) must be removed exactly once in total.
        const [{ sweepable }] = await t.db.query(
          `SELECT count(*)::int AS sweepable FROM r2_files
            WHERE (status = 'pending' AND expires_at < now() - interval '60 seconds')
               OR (status = 'deleting' AND updated_at < now() - interval '60 seconds')`,
        );
        expect(sweepable).toBeGreaterThanOrEqual(3);
        const counts = await Promise.all([t, ...others].map((app) => app.app.get(PendingUploadsSweeper).sweep()));
        expect(counts.reduce((sum, n) => sum + n, 0)).toBe(sweepable);
      } finally {
        await Promise.all(others.map((app) => app.close()));
      }
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = ANY($1)', [keys])).toEqual([]);
      const remaining = await bucket.keys();
      expect(keys.filter((key) => remaining.includes(key))).toEqual([]);
    });
  });
});

import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import { pngBytes } from './support/fixtures.js';
import { createTestApp, registerUser, useTestApp, withTestApp } from './support/test-app.js';
import { createPendingBatch, expireUploads, expireUploadUrls, pendingUploadJson, presignAndPut, putToStore } from './support/uploads.js';

/** Limits, verification, expiry, quotas and cleanup, with small limits so real bytes can hit them. */
describe('uploads that can be trusted', () => {
  const MAX = 1000;
  const t = useTestApp({
    UPLOAD_MAX_SIZE: String(MAX),
    UPLOAD_ALLOWED_TYPES: 'image/*, application/pdf, text/plain',
    UPLOAD_MAX_PENDING_PER_USER: '3',
    SWEEPER_GRACE: '60',
    SWEEPER_BATCH_SIZE: '2',
  });

  const rowOf = async (objectKey: string) =>
    (
      await t.db.query<{ status: string; size: string | null; content_type: string }[]>(
        'SELECT status, size, content_type FROM r2_files WHERE object_key = $1',
        [objectKey],
      )
    )[0];

  describe('limits at presign time', () => {
    it('accepts a type that a wildcard of the allow-list covers (image/* → image/webp)', async () => {
      const user = await registerUser(t);
      await t.api.as(user).presign({ fileName: 'pic.webp', contentType: 'image/webp' }).expect(201);
    });

    it('can require a declared size', async () => {
      await withTestApp({ UPLOAD_REQUIRE_SIZE: 'true' }, async (strict) => {
        const user = await registerUser(strict);
        const response = await strict.api.as(user).presign({ fileName: 'a.txt', contentType: 'text/plain' }).expect(400);
        expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'size', problems: [expect.any(String)] }] });
      });
    });

    it('caps the uploads a user may leave unconfirmed, even under concurrent requests', async () => {
      const user = await registerUser(t);
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => t.api.as(user).presign({ fileName: `f${i}.txt`, contentType: 'text/plain' })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
      expect(responses.find((r) => r.status === 429)?.body).toMatchObject({ code: 'TOO_MANY_PENDING_UPLOADS' });
      const [{ n }] = await t.db.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1`, [user.id]);
      expect(n).toBe(3);

      // Confirming one frees a place.
      const first = responses.find((r) => r.status === 201)?.body;
      if (!first || !('presignedUrl' in first)) throw new Error('no upload was presigned');
      await putToStore(first.presignedUrl, 'done', { 'Content-Type': 'text/plain' });
      await t.api.as(user).saveMetadata({ objectKey: first.objectKey }).expect(201);
      await t.api.as(user).presign({ fileName: 'next.txt', contentType: 'text/plain' }).expect(201);
      await t.api.as(user).presign({ fileName: 'over.txt', contentType: 'text/plain' }).expect(429);
    });

    it('counts only uploads whose URL can still be used: a user at the cap whose URLs expired can presign again', async () => {
      const user = await registerUser(t);
      const keys: string[] = [];
      for (const name of ['a.txt', 'b.txt', 'c.txt']) {
        keys.push((await t.api.as(user).presign({ fileName: name, contentType: 'text/plain' }).expect(201)).body.objectKey);
      }
      await t.api.as(user).presign({ fileName: 'over.txt', contentType: 'text/plain' }).expect(429);
      // As after a store outage that failed every PUT: the URLs expired, the confirm windows have not.
      await expireUploadUrls(t, keys);
      const again = await t.api.as(user).presign({ fileName: 'again.txt', contentType: 'text/plain' }).expect(201);
      // The old uploads stay pending (confirmable, and swept after their confirm window)…
      const rows = await t.db.query<{ object_key: string; status: string; expired: boolean }[]>(
        `SELECT object_key, status, expires_at < now() AS expired FROM r2_files WHERE user_id = $1 ORDER BY id`,
        [user.id],
      );
      expect(rows).toEqual([...keys, again.body.objectKey].map((key) => ({ object_key: key, status: 'pending', expired: false })));
      // …and the cap still holds for the new ones.
      await t.api.as(user).presign({ fileName: 'b2.txt', contentType: 'text/plain' }).expect(201);
      await t.api.as(user).presign({ fileName: 'c2.txt', contentType: 'text/plain' }).expect(201);
      await t.api.as(user).presign({ fileName: 'over2.txt', contentType: 'text/plain' }).expect(429);
    });

    it("counts the caller's pending uploads through their own index, however many others have", async () => {
      const tag = `quota-plan-${Date.now()}`;
      await t.db.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status, expires_at, url_expires_at)
         SELECT $1 || '-' || g, $1 || '-' || (g % 500), 'f.txt', 'text/plain', 'pending', now() + interval '1 hour', now() + interval '5 minutes'
         FROM generate_series(1, 40000) g`,
        [tag],
      );
      await t.db.query('ANALYZE r2_files');
      // The count runs inside r2_files_create_pending_batch: auto_explain shows the plans of the
      // function's statements, sent to this client as notices.
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      const plans: string[] = [];
      client.on('notice', (notice) => plans.push(notice.message ?? ''));
      await client.connect();
      const createPending = async (userId: string, cap: number) => {
        await client.query('BEGIN');
        const ids = await createPendingBatch(client, [pendingUploadJson(userId, `${tag}-new-${cap}`, cap)]);
        await client.query('ROLLBACK');
        return ids.filter((id) => id !== null).length;
      };
      try {
        await client.query(`LOAD 'auto_explain'`);
        await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
                            SET auto_explain.log_analyze = on; SET auto_explain.log_format = 'json'; SET client_min_messages = 'log'`);
        // The user has 80 pending rows: under the cap of 100 a row is created…
        expect(await createPending(`${tag}-7`, 100)).toBe(1);
        const countPlan = plans.find((plan) => plan.includes('url_expires_at > now()'));
        expect(countPlan).toContain('r2_files_user_pending_idx');
        expect(countPlan).not.toContain('Seq Scan');
        // …and the scan reads those 80, not the 40,000 of everyone.
        expect(countPlan).toMatch(/"Actual Rows": 80(\.0+)?[,\s}]/);
        // At a cap of 50 the user is full: no row.
        expect(await createPending(`${tag}-7`, 50)).toBe(0);
      } finally {
        await client.end();
        await t.db.query(`DELETE FROM r2_files WHERE object_key LIKE $1`, [`${tag}-%`]);
      }
    });
  });

  describe('verification at confirm', () => {
    it('deletes and rejects an undeclared upload larger than the limit', async () => {
      const user = await registerUser(t);
      const { objectKey } = await presignAndPut(t, user, { fileName: 'a.txt', contentType: 'text/plain' }, randomBytes(MAX + 1));
      const response = await t.api.as(user).saveMetadata({ objectKey }).expect(413);
      expect(response.body).toMatchObject({ code: 'FILE_TOO_LARGE' });
      expect(await t.bucket.has(objectKey)).toBe(false);
      expect(await rowOf(objectKey)).toMatchObject({ status: 'rejected' });
      const again = await t.api.as(user).saveMetadata({ objectKey }).expect(422);
      expect(again.body.code).toBe('UPLOAD_REJECTED');
    });

    it('rejects bytes that do not match the declared type (a "PNG" that is not one)', async () => {
      const user = await registerUser(t);
      const { objectKey } = await presignAndPut(
        t,
        user,
        { fileName: 'photo.png', contentType: 'image/png' },
        'MZ\x90\x00 this is an executable',
      );
      const response = await t.api.as(user).saveMetadata({ objectKey }).expect(422);
      expect(response.body).toMatchObject({ code: 'FILE_SIGNATURE_MISMATCH' });
      expect(await t.bucket.has(objectKey)).toBe(false);
      expect(await rowOf(objectKey)).toMatchObject({ status: 'rejected' });
    });

    it.each([
      ['image/png', 'a.png', pngBytes(200)],
      ['image/jpeg', 'a.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(100)])],
      ['image/gif', 'a.gif', Buffer.concat([Buffer.from('GIF89a'), randomBytes(100)])],
      ['image/webp', 'a.webp', Buffer.concat([Buffer.from('RIFF'), Buffer.from([100, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(90)])],
      ['application/pdf', 'a.pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n')],
    ])('accepts a genuine %s and records the real size and ETag', async (contentType, fileName, bytes) => {
      const user = await registerUser(t);
      const { objectKey } = await presignAndPut(t, user, { fileName, contentType, size: bytes.length }, bytes);
      const saved = await t.api.as(user).saveMetadata({ objectKey }).expect(201);
      expect(saved.body.file).toMatchObject({ contentType, size: bytes.length, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    });

    it('rejects an object stored with another content type than presigned', async () => {
      const user = await registerUser(t);
      const { body } = await t.api.as(user).presign({ fileName: 'a.txt', contentType: 'text/plain' }).expect(201);
      await t.bucket.put(body.objectKey, 'planted behind the API', 'text/html');
      const response = await t.api.as(user).saveMetadata({ objectKey: body.objectKey }).expect(422);
      expect(response.body).toMatchObject({ code: 'CONTENT_TYPE_MISMATCH' });
      expect(await t.bucket.has(body.objectKey)).toBe(false);
    });

    it('refuses to confirm an expired upload, with its own code, and changes nothing', async () => {
      const user = await registerUser(t);
      const { objectKey } = await presignAndPut(t, user, { fileName: 'late.txt', contentType: 'text/plain' }, 'late');
      await expireUploads(t, objectKey, 1);
      const response = await t.api.as(user).saveMetadata({ objectKey }).expect(410);
      expect(response.body).toMatchObject({ code: 'UPLOAD_EXPIRED', statusCode: 410 });
      expect(await rowOf(objectKey)).toMatchObject({ status: 'pending' });
    });
  });

  describe('cleanup sweeper', () => {
    it('removes expired pending uploads and their stray objects, and nothing else', async () => {
      const user = await registerUser(t);
      const start = async (fileName: string, upload: boolean) => {
        const request = { fileName, contentType: 'text/plain' };
        if (upload) return (await presignAndPut(t, user, request, fileName)).objectKey;
        return (await t.api.as(user).presign(request).expect(201)).body.objectKey;
      };
      const abandonedWithObject = await start('abandoned-1.txt', true);
      const abandonedWithout = await start('abandoned-2.txt', false);
      const recent = await start('recent.txt', true);
      await expireUploads(t, [abandonedWithObject, abandonedWithout], 2 * 3600);
      // Expired, but still inside the sweeper's grace period (60 s here).
      await expireUploads(t, recent, 10);

      const otherUser = await registerUser(t);
      const kept = await presignAndPut(t, otherUser, { fileName: 'kept.txt', contentType: 'text/plain' }, 'kept');
      await t.api.as(otherUser).saveMetadata({ objectKey: kept.objectKey }).expect(201);

      const removed = await t.app.get(PendingUploadsSweeper).sweep();
      expect(removed).toBeGreaterThanOrEqual(2);
      const keys = await t.bucket.keys();
      expect(keys).not.toContain(abandonedWithObject);
      expect(keys).toEqual(expect.arrayContaining([recent, kept.objectKey]));
      const rows = await t.db.query<{ object_key: string }[]>('SELECT object_key FROM r2_files WHERE object_key = ANY($1)', [
        [abandonedWithObject, abandonedWithout, recent, kept.objectKey],
      ]);
      expect(rows.map((r) => r.object_key).sort()).toEqual([recent, kept.objectKey].sort());
    });

    it('never processes a row twice when instances sweep at the same time', async () => {
      const user = await registerUser(t);
      const keys: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        keys.push((await presignAndPut(t, user, { fileName: `s${i}.txt`, contentType: 'text/plain' }, 'x')).objectKey);
      }
      await expireUploads(t, keys, 2 * 3600);
      // Three instances of the app sweeping together (batch size 2, so each loops).
      const others = await Promise.all([
        createTestApp({ SWEEPER_GRACE: '60', SWEEPER_BATCH_SIZE: '2' }),
        createTestApp({ SWEEPER_GRACE: '60', SWEEPER_BATCH_SIZE: '2' }),
      ]);
      try {
        // Every sweepable row (ours, plus any other test's; a cancelled upload once its URL expired)
        // must be removed exactly once in total.
        const [{ sweepable }] = await t.db.query<[{ sweepable: number }]>(
          `SELECT count(*)::int AS sweepable FROM r2_files
            WHERE (status = 'pending' AND expires_at < now() - interval '60 seconds')
               OR (status = 'deleting' AND updated_at < now() - interval '60 seconds'
                   AND (part_count IS NOT NULL OR url_expires_at IS NULL OR url_expires_at < now() - interval '60 seconds'))`,
        );
        expect(sweepable).toBeGreaterThanOrEqual(3);
        const counts = await Promise.all([t, ...others].map((app) => app.app.get(PendingUploadsSweeper).sweep()));
        expect(counts.reduce((sum, n) => sum + n, 0)).toBe(sweepable);
      } finally {
        await Promise.all(others.map((app) => app.close()));
      }
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE object_key = ANY($1)', [keys])).toEqual([]);
      const remaining = await t.bucket.keys();
      expect(keys.filter((key) => remaining.includes(key))).toEqual([]);
    });
  });
});

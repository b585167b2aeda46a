import { describe, expect, it } from '@jest/globals';

import { PendingUploadsSweeper } from '../src/files/cleanup/pending-uploads.sweeper.js';
import type { FileListDto } from '../src/files/dto/list-files.dto.js';
import { listPageQuery } from '../src/files/r2-files.repository.js';
import { pngBytes } from './support/fixtures.js';
import { type RegisteredUser, registerUser, useTestApp, withTestApp } from './support/test-app.js';
import { uploadFile } from './support/uploads.js';

describe('reading and deleting files', () => {
  const t = useTestApp();
  const idsOf = (files: { id: number }[]) => files.map((file) => file.id);

  describe('GET /files pages', () => {
    const pageThrough = async (user: RegisteredUser, query: Record<string, string | number>) => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const { body }: { body: FileListDto } = await t.api
          .as(user)
          .listFiles(cursor ? { ...query, cursor } : query)
          .expect(200);
        seen.push(...idsOf(body.items));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor);
      return { seen, pages };
    };

    it('walks all files newest first with a cursor, the last page saying nextCursor: null', async () => {
      const user = await registerUser(t);
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await uploadFile(t, user.auth, `f${i}.txt`, 'text/plain', `file ${i}`)).id);
      const { seen, pages } = await pageThrough(user, { limit: 2 });
      expect(seen).toEqual([...ids].reverse());
      expect(pages).toBe(3);
    });

    it('lists each file exactly as GET /files/:id and the confirmation show it', async () => {
      const user = await registerUser(t);
      const confirmed = await uploadFile(t, user.auth, 'Résumé 写真.png', 'image/png', pngBytes(300));
      // Rows written by other means (the seed guide's table, a restore): timestamps with
      // microseconds and far from now, a missing size and etag.
      await t.db.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, size, etag, status, upload_timestamp) VALUES
           ($1 || '-a', $1, 'a.txt', 'text/plain', 7, '"e"', 'uploaded', '2026-01-02 03:04:05.678999+00'),
           ($1 || '-b', $1, 'b.txt', 'text/plain', NULL, NULL, 'uploaded', '1999-12-31 23:59:59.000001+00'),
           ($1 || '-c', $1, 'c.txt', 'text/plain', 1, NULL, 'uploaded', '2001-02-03 04:05:06+05:30')`,
        [user.id],
      );
      const listed = (await t.api.as(user).listFiles().expect(200)).body;
      expect(listed.items).toHaveLength(4);
      expect(listed.items[0]).toEqual(confirmed);
      for (const item of listed.items) expect((await t.api.as(user).getFile(item.id).expect(200)).body).toEqual(item);
      expect(listed.items.map((item) => item.uploadTimestamp).slice(1)).toEqual([
        '2026-01-02T03:04:05.678Z',
        '2001-02-02T22:35:06.000Z',
        '1999-12-31T23:59:59.000Z',
      ]);
    });

    it('stays correct while files are added between pages (no duplicates, no gaps)', async () => {
      const user = await registerUser(t);
      const before: number[] = [];
      for (let i = 0; i < 4; i += 1) before.push((await uploadFile(t, user.auth, `b${i}.txt`, 'text/plain', 'x')).id);
      const first = await t.api.as(user).listFiles({ limit: 2 }).expect(200);
      await uploadFile(t, user.auth, 'new-1.txt', 'text/plain', 'new');
      await uploadFile(t, user.auth, 'new-2.txt', 'text/plain', 'new');
      const second = await t.api
        .as(user)
        .listFiles({ limit: 2, cursor: first.body.nextCursor ?? '' })
        .expect(200);
      expect(idsOf([...first.body.items, ...second.body.items])).toEqual([...before].reverse());
      expect(second.body.nextCursor).toBeNull();
    });

    it('filters by content type prefix', async () => {
      const user = await registerUser(t);
      const png = await uploadFile(t, user.auth, 'a.png', 'image/png', pngBytes(100));
      await uploadFile(t, user.auth, 'a.txt', 'text/plain', 'text');
      const images = await t.api.as(user).listFiles({ contentType: 'image/' }).expect(200);
      expect(idsOf(images.body.items)).toEqual([png.id]);
      const exact = await t.api.as(user).listFiles({ contentType: 'IMAGE/PNG' }).expect(200);
      expect(exact.body.items).toHaveLength(1);
      await t.api.as(user).listFiles({ contentType: '%' }).expect(400);
    });

    it('defaults to 50 per page and allows up to 200', async () => {
      const user = await registerUser(t);
      await t.db.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, size, status, upload_timestamp)
         SELECT 'bulk-' || $1 || '-' || g, $1, 'f.txt', 'text/plain', 1, 'uploaded', now() - g * interval '1 ms' FROM generate_series(1, 205) g`,
        [user.id],
      );
      expect((await t.api.as(user).listFiles().expect(200)).body.items).toHaveLength(50);
      expect((await t.api.as(user).listFiles({ limit: 200 }).expect(200)).body.items).toHaveLength(200);
      expect((await pageThrough(user, { limit: 200 })).seen).toHaveLength(205);
      await t.db.query('DELETE FROM r2_files WHERE user_id = $1', [user.id]);
    });

    it("is served by the listing index on a large table (the repository's own statement, explained)", async () => {
      const tag = `plan-${Date.now()}`;
      await t.db.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, size, status, upload_timestamp)
         SELECT $1 || '-' || g, $1 || '-' || (g % 200), 'f.txt', 'text/plain', 1, 'uploaded', now() - g * interval '1 s'
         FROM generate_series(1, 40000) g`,
        [tag],
      );
      await t.db.query('ANALYZE r2_files');
      const explain = async (...args: Parameters<typeof listPageQuery>) =>
        JSON.stringify(await t.db.query<unknown[]>(`EXPLAIN (FORMAT JSON) ${listPageQuery(...args).text}`));
      try {
        const plain = await explain(`${tag}-7`, 51, null);
        expect(plain).toContain('r2_files_user_listing_idx');
        // Pages come in index order: no sort of all the user's files.
        expect(plain).not.toContain('"Node Type":"Sort"');
        expect(await explain(`${tag}-7`, 51, { uploadTimestamp: new Date(), id: 2 ** 40 }, 'text/')).toContain('r2_files_user_listing_idx');
      } finally {
        await t.db.query(`DELETE FROM r2_files WHERE object_key LIKE $1`, [`${tag}-%`]);
      }
    });
  });

  describe('GET /files/:id', () => {
    it("returns the caller's file and 404 for anyone else's or an unknown id", async () => {
      const owner = await registerUser(t);
      const other = await registerUser(t);
      const file = await uploadFile(t, owner.auth, 'mine.txt', 'text/plain', 'mine');
      expect((await t.api.as(owner).getFile(file.id).expect(200)).body).toEqual(file);
      const foreign = await t.api.as(other).getFile(file.id).expect(404);
      const unknown = await t.api.as(other).getFile(999999999).expect(404);
      expect(foreign.body.code).toBe('FILE_NOT_FOUND');
      expect({ ...foreign.body, requestId: null }).toEqual({ ...unknown.body, requestId: null });
      await t.api.as(other).downloadUrl(file.id).expect(404);
    });
  });

  describe('downloads', () => {
    it('private bucket: no fileUrl; a presigned GET downloads the bytes under the original Unicode name', async () => {
      const user = await registerUser(t);
      const bytes = pngBytes(5000);
      const file = await uploadFile(t, user.auth, 'Résumé 写真.png', 'image/png', bytes);
      expect(file.fileUrl).toBeNull();

      const { body } = await t.api.as(user).downloadUrl(file.id).expect(200);
      expect(body).toMatchObject({ url: expect.any(String), fileName: 'Résumé 写真.png', disposition: 'attachment' });
      expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
      const download = await fetch(body.url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
      const disposition = download.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment;/);
      expect(disposition).toContain(`filename*=UTF-8''R%C3%A9sum%C3%A9%20%E5%86%99%E7%9C%9F.png`);

      const inline = await t.api.as(user).downloadUrl(file.id, 'inline').expect(200);
      expect((await fetch(inline.body.url)).headers.get('content-disposition')).toMatch(/^inline;/);
      await t.api.as(user).downloadUrl(file.id, 'evil').expect(400);
    });

    it('public bucket: fileUrl is the public URL, and download URLs work too', async () => {
      await withTestApp({ R2_PUBLIC_BASE_URL: 'https://files.example.com/' }, async (publicApp) => {
        const user = await registerUser(publicApp);
        const file = await uploadFile(publicApp, user.auth, 'my photo.png', 'image/png', pngBytes(64));
        expect(file.fileUrl).toBe(`https://files.example.com/${file.objectKey}`);
        const { body } = await publicApp.api.as(user).downloadUrl(file.id).expect(200);
        expect((await fetch(body.url)).status).toBe(200);
      });
    });
  });

  describe('DELETE /files/:id', () => {
    it('removes the object and the row; a second delete is 404', async () => {
      const user = await registerUser(t);
      const file = await uploadFile(t, user.auth, 'gone.txt', 'text/plain', 'bye');
      await t.api.as(user).deleteFile(file.id).expect(204);
      expect(await t.bucket.has(file.objectKey)).toBe(false);
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE id = $1', [file.id])).toEqual([]);
      const again = await t.api.as(user).deleteFile(file.id).expect(404);
      expect(again.body.code).toBe('FILE_NOT_FOUND');
    });

    it("cannot delete someone else's file", async () => {
      const owner = await registerUser(t);
      const other = await registerUser(t);
      const file = await uploadFile(t, owner.auth, 'keep.txt', 'text/plain', 'keep');
      await t.api.as(other).deleteFile(file.id).expect(404);
      expect(await t.bucket.has(file.objectKey)).toBe(true);
      await t.api.as(owner).getFile(file.id).expect(200);
    });

    it('hides the file and answers 503 when the store cannot be reached; a retry finishes the job', async () => {
      const user = await registerUser(t);
      const file = await uploadFile(t, user.auth, 'retry.txt', 'text/plain', 'retry');
      await withTestApp({ S3_ENDPOINT: 'http://127.0.0.1:9', S3_PRESIGN_ENDPOINT: undefined }, async (broken) => {
        const failed = await broken.api.as(user).deleteFile(file.id).expect(503);
        expect(failed.body).toMatchObject({ success: false, code: 'STORAGE_UNAVAILABLE' });
        expect(failed.headers['retry-after']).toBe('5');
      });
      // Never listed again once its delete was sent: the store may have applied it.
      await t.api.as(user).getFile(file.id).expect(404);
      expect((await t.api.as(user).listFiles().expect(200)).body.items).toEqual([]);
      expect(await t.bucket.has(file.objectKey)).toBe(true);
      await t.api.as(user).deleteFile(file.id).expect(204);
      expect(await t.bucket.has(file.objectKey)).toBe(false);
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE id = $1', [file.id])).toEqual([]);
      await t.api.as(user).deleteFile(file.id).expect(404);
    });

    it('lets the sweeper finish a delete that stopped half-way', async () => {
      const user = await registerUser(t);
      const file = await uploadFile(t, user.auth, 'stuck.txt', 'text/plain', 'stuck');
      // As if the process died right after hiding the file: object still there, row in `deleting`.
      await t.db.query(`UPDATE r2_files SET status = 'deleting', updated_at = now() - interval '1 hour' WHERE id = $1`, [file.id]);
      await t.app.get(PendingUploadsSweeper).sweep();
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE id = $1', [file.id])).toEqual([]);
      expect(await t.bucket.has(file.objectKey)).toBe(false);
    });

    it('finishes a delete that was interrupted after the object was removed', async () => {
      const user = await registerUser(t);
      const file = await uploadFile(t, user.auth, 'half.txt', 'text/plain', 'half');
      // As if the process died between the store delete and the row delete.
      await t.db.query(`UPDATE r2_files SET status = 'deleting' WHERE id = $1`, [file.id]);
      await t.api.as(user).getFile(file.id).expect(404);
      expect((await t.api.as(user).listFiles().expect(200)).body.items).toEqual([]);
      await t.api.as(user).deleteFile(file.id).expect(204);
      expect(await t.db.query('SELECT 1 FROM r2_files WHERE id = $1', [file.id])).toEqual([]);
    });
  });
});

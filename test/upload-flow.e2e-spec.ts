import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { pngBytes } from './support/fixtures.js';
import { registerUser, useTestApp, withTestApp } from './support/test-app.js';
import { putToStore } from './support/uploads.js';

/** The seed guide's curl walkthrough, against the real app, PostgreSQL and a signature-checking S3 store. */
describe('upload flow (seed walkthrough)', () => {
  const t = useTestApp();

  it('register → login → presign → plain HTTP PUT → save-metadata → listed, bytes intact', async () => {
    const user = await registerUser(t);
    const login = await t.api.login({ email: user.email, password: user.password }).expect(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    const caller = { token: login.body.accessToken };

    const presign = await t.api.as(caller).presign({ fileName: 'test-image.png', contentType: 'image/png' }).expect(201);
    expect(presign.body).toMatchObject({
      success: true,
      presignedUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/r2-files-test\/.+X-Amz-Signature=/),
      objectKey: expect.stringMatching(/^[0-9a-f-]{36}-test-image\.png$/),
      publicFileUrl: null,
      method: 'PUT',
      uploadHeaders: { 'Content-Type': 'image/png' },
    });
    const expiresInMs = Date.parse(presign.body.expiresAt) - Date.now();
    expect(expiresInMs).toBeGreaterThan(290_000);
    expect(expiresInMs).toBeLessThanOrEqual(300_000);

    // Exactly what the guide's `curl -X PUT --upload-file f -H 'Content-Type: image/png'` does.
    const bytes = pngBytes(70_000);
    const put = await putToStore(presign.body.presignedUrl, bytes, { 'Content-Type': 'image/png' });
    expect(put.status).toBe(200);

    const saved = await t.api.as(caller).saveMetadata({ objectKey: presign.body.objectKey, publicFileUrl: null }).expect(201);
    expect(saved.body).toEqual({
      success: true,
      file: {
        id: expect.any(Number),
        objectKey: presign.body.objectKey,
        fileUrl: null,
        fileName: 'test-image.png',
        contentType: 'image/png',
        size: bytes.length,
        etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
        uploadTimestamp: expect.any(String),
      },
    });

    const listed = await t.api.as(caller).listFiles().expect(200);
    expect(listed.body).toEqual({ items: [saved.body.file], nextCursor: null });

    const stored = await t.bucket.read(presign.body.objectKey);
    expect(stored?.equals(bytes)).toBe(true);

    const [row] = await t.db.query<{ user_id: string; status: string; size: string }[]>(
      'SELECT user_id, status, size FROM r2_files WHERE object_key = $1',
      [presign.body.objectKey],
    );
    expect(row).toEqual({ user_id: user.id, status: 'uploaded', size: String(bytes.length) });
  });

  it('signs Content-Type: an upload with another type is refused by the store', async () => {
    const user = await registerUser(t);
    const presign = await t.api.as(user).presign({ fileName: 'a.png', contentType: 'image/png' }).expect(201);
    const put = await putToStore(presign.body.presignedUrl, 'not a png', { 'Content-Type': 'text/html' });
    expect(put.status).toBe(403);
    expect(await t.storage.head(presign.body.objectKey)).toBeNull();
  });

  it('signs a declared size as Content-Length: a different body size is refused by the store', async () => {
    const user = await registerUser(t);
    const presign = await t.api.as(user).presign({ fileName: 'a.bin', contentType: 'application/octet-stream', size: 10 }).expect(201);
    // Only what a browser may set: the length is signed, and fetch/XHR send it from the body themselves.
    expect(presign.body.uploadHeaders).toEqual({ 'Content-Type': 'application/octet-stream' });
    const signed = new URL(presign.body.presignedUrl).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type']));
    const headers = presign.body.uploadHeaders;
    expect((await putToStore(presign.body.presignedUrl, randomBytes(11), headers)).status).toBe(403);
    expect((await putToStore(presign.body.presignedUrl, randomBytes(9), headers)).status).toBe(403);
    expect(await t.storage.head(presign.body.objectKey)).toBeNull();
    expect((await putToStore(presign.body.presignedUrl, randomBytes(10), headers)).status).toBe(200);
    const saved = await t.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(201);
    expect(saved.body.file.size).toBe(10);
  });

  it('puts no checksum parameters into presigned URLs (R2 and S3 would reject the upload)', async () => {
    const user = await registerUser(t);
    for (const request of [
      { fileName: 'a.txt', contentType: 'text/plain' },
      { fileName: 'b.bin', contentType: 'application/octet-stream', size: 5 },
    ]) {
      const presign = await t.api.as(user).presign(request).expect(201);
      const url = new URL(presign.body.presignedUrl);
      const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
      expect(names).toContain('x-amz-signature');
      expect(names.filter((name) => name.includes('checksum'))).toEqual([]);
      expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['host', 'content-type']));
    }
  });

  it('confirming twice returns the same file and keeps one row', async () => {
    const user = await registerUser(t);
    const presign = await t.api.as(user).presign({ fileName: 'twice.txt', contentType: 'text/plain' }).expect(201);
    await putToStore(presign.body.presignedUrl, 'hello', { 'Content-Type': 'text/plain' });
    const [first, second] = await Promise.all([
      t.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(201),
      t.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(201),
    ]);
    expect(second.body.file).toEqual(first.body.file);
    const [{ count }] = await t.db.query<[{ count: number }]>('SELECT count(*)::int AS count FROM r2_files WHERE object_key = $1', [
      presign.body.objectKey,
    ]);
    expect(count).toBe(1);
  });

  it('refuses to confirm before the object was uploaded, and keeps the upload pending', async () => {
    const user = await registerUser(t);
    const presign = await t.api.as(user).presign({ fileName: 'later.txt', contentType: 'text/plain' }).expect(201);
    const early = await t.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(409);
    expect(early.body).toMatchObject({ success: false, code: 'OBJECT_NOT_UPLOADED', statusCode: 409 });
    await putToStore(presign.body.presignedUrl, 'now', { 'Content-Type': 'text/plain' });
    await t.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(201);
  });

  it("answers 404 for another user's key, exactly as for an unknown key, and changes nothing", async () => {
    const owner = await registerUser(t);
    const intruder = await registerUser(t);
    const presign = await t.api.as(owner).presign({ fileName: 'mine.txt', contentType: 'text/plain' }).expect(201);
    await putToStore(presign.body.presignedUrl, 'secret', { 'Content-Type': 'text/plain' });

    const foreign = await t.api.as(intruder).saveMetadata({ objectKey: presign.body.objectKey }).expect(404);
    const unknown = await t.api.as(intruder).saveMetadata({ objectKey: 'no-such-key' }).expect(404);
    expect({ ...foreign.body, requestId: null }).toEqual({ ...unknown.body, requestId: null });
    expect(foreign.body.code).toBe('UPLOAD_NOT_FOUND');

    const [row] = await t.db.query<{ user_id: string; status: string }[]>('SELECT user_id, status FROM r2_files WHERE object_key = $1', [
      presign.body.objectKey,
    ]);
    expect(row).toEqual({ user_id: owner.id, status: 'pending' });
    expect((await t.api.as(intruder).listFiles().expect(200)).body.items).toEqual([]);
  });

  it('signs URLs for S3_PRESIGN_ENDPOINT while the API itself talks to S3_ENDPOINT', async () => {
    const apiEndpoint = new URL(process.env.S3_ENDPOINT as string);
    const clientEndpoint = `http://localhost:${apiEndpoint.port}`;
    await withTestApp({ S3_PRESIGN_ENDPOINT: clientEndpoint }, async (split) => {
      const user = await registerUser(split);
      const presign = await split.api.as(user).presign({ fileName: 'split.txt', contentType: 'text/plain' }).expect(201);
      expect(presign.body.presignedUrl.startsWith(`${clientEndpoint}/`)).toBe(true);
      const put = await putToStore(presign.body.presignedUrl, 'via localhost', { 'Content-Type': 'text/plain' });
      expect(put.status).toBe(200);
      const saved = await split.api.as(user).saveMetadata({ objectKey: presign.body.objectKey }).expect(201);
      expect(saved.body.file.size).toBe('via localhost'.length);
    });
  });
});

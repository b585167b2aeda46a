import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createBucketInspector } from './support/bucket.js';
import { pngBytes } from './support/fixtures.js';
import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

/** The seed guide's curl walkthrough, against the real app, PostgreSQL and a signature-checking S3 store. */
describe('upload flow (seed walkthrough)', () => {
  let t: TestApp;
  const bucket = createBucketInspector();

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    bucket.destroy();
    await t.close();
  });

  it('register → login → presign → plain HTTP PUT → save-metadata → listed, bytes intact', async () => {
    const user = await registerUser(t);
    const login = await t.http.post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };

    const presign = await t.http
      .post('/presign-upload')
      .set(auth)
      .send({ fileName: 'test-image.png', contentType: 'image/png' })
      .expect(201);
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
    const put = await fetch(presign.body.presignedUrl, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'image/png' } });
    expect(put.status).toBe(200);

    const saved = await t.http
      .post('/save-metadata')
      .set(auth)
      .send({ objectKey: presign.body.objectKey, publicFileUrl: null })
      .expect(201);
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

    const listed = await t.http.get('/files').set(auth).expect(200);
    expect(listed.body).toEqual({ items: [saved.body.file], nextCursor: null });

    const stored = await bucket.read(presign.body.objectKey);
    expect(stored?.equals(bytes)).toBe(true);

    const [row] = await t.db.query('SELECT user_id, status, size FROM r2_files WHERE object_key = $1', [presign.body.objectKey]);
    expect(row).toEqual({ user_id: user.id, status: 'uploaded', size: String(bytes.length) });
  });

  it('signs Content-Type: an upload with another type is refused by the store', async () => {
    const user = await registerUser(t);
    const presign = await t.http.post('/presign-upload').set(user.auth).send({ fileName: 'a.png', contentType: 'image/png' }).expect(201);
    const put = await fetch(presign.body.presignedUrl, { method: 'PUT', body: 'not a png', headers: { 'Content-Type': 'text/html' } });
    expect(put.status).toBe(403);
    expect(await t.storage.head(presign.body.objectKey)).toBeNull();
  });

  it('signs a declared size as Content-Length: a different body size is refused by the store', async () => {
    const user = await registerUser(t);
    const presign = await t.http
      .post('/presign-upload')
      .set(user.auth)
      .send({ fileName: 'a.bin', contentType: 'application/octet-stream', size: 10 })
      .expect(201);
    expect(presign.body.uploadHeaders).toEqual({ 'Content-Type': 'application/octet-stream', 'Content-Length': '10' });
    const tooBig = await fetch(presign.body.presignedUrl, {
      method: 'PUT',
      body: randomBytes(11),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(tooBig.status).toBe(403);
    const exact = await fetch(presign.body.presignedUrl, {
      method: 'PUT',
      body: randomBytes(10),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(exact.status).toBe(200);
    const saved = await t.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }).expect(201);
    expect(saved.body.file.size).toBe(10);
  });

  it('puts no checksum parameters into presigned URLs (R2 and S3 would reject the upload)', async () => {
    const user = await registerUser(t);
    for (const body of [
      { fileName: 'a.txt', contentType: 'text/plain' },
      { fileName: 'b.bin', contentType: 'application/octet-stream', size: 5 },
    ]) {
      const presign = await t.http.post('/presign-upload').set(user.auth).send(body).expect(201);
      const url = new URL(presign.body.presignedUrl);
      const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
      expect(names).toContain('x-amz-signature');
      expect(names.filter((name) => name.includes('checksum'))).toEqual([]);
      expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['host', 'content-type']));
    }
  });

  it('confirming twice returns the same file and keeps one row', async () => {
    const user = await registerUser(t);
    const presign = await t.http
      .post('/presign-upload')
      .set(user.auth)
      .send({ fileName: 'twice.txt', contentType: 'text/plain' })
      .expect(201);
    await fetch(presign.body.presignedUrl, { method: 'PUT', body: 'hello', headers: { 'Content-Type': 'text/plain' } });
    const [first, second] = await Promise.all([
      t.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }),
      t.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.file).toEqual(first.body.file);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM r2_files WHERE object_key = $1', [presign.body.objectKey]);
    expect(count).toBe(1);
  });

  it('refuses to confirm before the object was uploaded, and keeps the upload pending', async () => {
    const user = await registerUser(t);
    const presign = await t.http
      .post('/presign-upload')
      .set(user.auth)
      .send({ fileName: 'later.txt', contentType: 'text/plain' })
      .expect(201);
    const early = await t.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }).expect(409);
    expect(early.body).toMatchObject({ success: false, code: 'OBJECT_NOT_UPLOADED', statusCode: 409 });
    await fetch(presign.body.presignedUrl, { method: 'PUT', body: 'now', headers: { 'Content-Type': 'text/plain' } });
    await t.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }).expect(201);
  });

  it("answers 404 for another user's key, exactly as for an unknown key, and changes nothing", async () => {
    const owner = await registerUser(t);
    const intruder = await registerUser(t);
    const presign = await t.http
      .post('/presign-upload')
      .set(owner.auth)
      .send({ fileName: 'mine.txt', contentType: 'text/plain' })
      .expect(201);
    await fetch(presign.body.presignedUrl, { method: 'PUT', body: 'secret', headers: { 'Content-Type': 'text/plain' } });

    const foreign = await t.http.post('/save-metadata').set(intruder.auth).send({ objectKey: presign.body.objectKey }).expect(404);
    const unknown = await t.http.post('/save-metadata').set(intruder.auth).send({ objectKey: 'no-such-key' }).expect(404);
    expect({ ...foreign.body, requestId: null }).toEqual({ ...unknown.body, requestId: null });
    expect(foreign.body.code).toBe('UPLOAD_NOT_FOUND');

    const [row] = await t.db.query('SELECT user_id, status FROM r2_files WHERE object_key = $1', [presign.body.objectKey]);
    expect(row).toEqual({ user_id: owner.id, status: 'pending' });
    expect((await t.http.get('/files').set(intruder.auth).expect(200)).body.items).toEqual([]);
  });

  it('answers 401 JSON on every files route without a token', async () => {
    for (const [method, path] of [
      ['post', '/presign-upload'],
      ['post', '/save-metadata'],
      ['get', '/files'],
    ] as const) {
      const response = await t.http[method](path).send({});
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ success: false, code: 'AUTH_REQUIRED', statusCode: 401 });
    }
  });

  it('signs URLs for S3_PRESIGN_ENDPOINT while the API itself talks to S3_ENDPOINT', async () => {
    const apiEndpoint = new URL(process.env.S3_ENDPOINT as string);
    const clientEndpoint = `http://localhost:${apiEndpoint.port}`;
    const split = await createTestApp({ S3_PRESIGN_ENDPOINT: clientEndpoint });
    try {
      const user = await registerUser(split);
      const presign = await split.http
        .post('/presign-upload')
        .set(user.auth)
        .send({ fileName: 'split.txt', contentType: 'text/plain' })
        .expect(201);
      expect(presign.body.presignedUrl.startsWith(`${clientEndpoint}/`)).toBe(true);
      const put = await fetch(presign.body.presignedUrl, {
        method: 'PUT',
        body: 'via localhost',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(put.status).toBe(200);
      const saved = await split.http.post('/save-metadata').set(user.auth).send({ objectKey: presign.body.objectKey }).expect(201);
      expect(saved.body.file.size).toBe('via localhost'.length);
    } finally {
      await split.close();
    }
  });
});

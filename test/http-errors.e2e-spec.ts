import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

/** Client mistakes get a 4xx in the API's error shape, and change nothing. */
describe('HTTP errors', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  const fileCount = async () => Number((await t.db.query('SELECT count(*) AS n FROM r2_files'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    auth = (await registerUser(t)).auth;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a missing fileName', { contentType: 'image/png' }, 'fileName'],
    ['a numeric fileName', { fileName: 42, contentType: 'image/png' }, 'fileName'],
    ['an empty fileName', { fileName: '   ', contentType: 'image/png' }, 'fileName'],
    ['a fileName with a bidi override', { fileName: 'invoice\u202egnp.exe', contentType: 'image/png' }, 'fileName'],
    ['a malformed contentType', { fileName: 'a.png', contentType: 'png' }, 'contentType'],
    ['a zero size', { fileName: 'a.png', contentType: 'image/png', size: 0 }, 'size'],
    ['a fractional size', { fileName: 'a.png', contentType: 'image/png', size: 1.5 }, 'size'],
    ['a string size', { fileName: 'a.png', contentType: 'image/png', size: '10' }, 'size'],
    ['an unknown field', { fileName: 'a.png', contentType: 'image/png', userId: 'someone-else' }, 'userId'],
  ])('presign with %s is a 400 naming the field', async (_label, body, field) => {
    const before = await fileCount();
    const response = await t.http.post('/presign-upload').set(auth).send(body).expect(400);
    expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', statusCode: 400, requestId: expect.any(String) });
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(response.body.error).toContain(field);
    expect(await fileCount()).toBe(before);
  });

  it('a body that is not JSON is a 400 INVALID_JSON', async () => {
    const response = await t.http
      .post('/presign-upload')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"fileName": ')
      .expect(400);
    expect(response.body).toMatchObject({ success: false, code: 'INVALID_JSON', statusCode: 400 });
    // Refused before any route or module middleware runs, and still traceable.
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('a GET ignores any body it is sent (only POST, PUT and PATCH bodies are read)', async () => {
    await t.http.get('/files').set(auth).set('Content-Type', 'application/json').send('{"not json').expect(200);
  });

  it('an oversized JSON body is a 413', async () => {
    const response = await t.http
      .post('/presign-upload')
      .set(auth)
      .send({ fileName: 'a.png', contentType: 'image/png', padding: 'x'.repeat(64 * 1024) })
      .expect(413);
    expect(response.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE', statusCode: 413 });
  });

  it('save-metadata with a publicFileUrl that was not issued is a 400', async () => {
    const presign = await t.http.post('/presign-upload').set(auth).send({ fileName: 'a.txt', contentType: 'text/plain' }).expect(201);
    const response = await t.http
      .post('/save-metadata')
      .set(auth)
      .send({ objectKey: presign.body.objectKey, publicFileUrl: 'https://evil.example/x' })
      .expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'publicFileUrl' })] });
  });

  it('a bad page cursor is a 400 INVALID_CURSOR, a bad limit a 400 VALIDATION_FAILED', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      'bm9wZQ',
      cursor(['+275760-09-13T00:00:00.000Z', 1]),
      cursor(['2026-01-01T00:00:00.000Z', 2 ** 64]),
      'x'.repeat(201),
    ]) {
      const badCursor = await t.http.get(`/files?cursor=${bad}`).set(auth).expect(400);
      expect(badCursor.body).toMatchObject({ code: 'INVALID_CURSOR', details: [expect.objectContaining({ field: 'cursor' })] });
    }
    const badLimit = await t.http.get('/files?limit=1000').set(auth).expect(400);
    expect(badLimit.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('an unknown route is a 404 in the same shape', async () => {
    const response = await t.http.get('/no-such-route').set(auth).expect(404);
    expect(response.body).toMatchObject({ success: false, code: 'ROUTE_NOT_FOUND', statusCode: 404 });
  });

  it('echoes a sane incoming X-Request-Id and makes one otherwise', async () => {
    const given = await t.http.get('/no-such-route').set('X-Request-Id', 'trace-abc-123');
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    expect(given.body.requestId).toBe('trace-abc-123');
    const made = await t.http.get('/no-such-route').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.requestId).toBe(made.headers['x-request-id']);
  });
});

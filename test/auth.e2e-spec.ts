import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';

import { createTestApp, registerUser, type TestApp } from './support/test-app.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('auth', () => {
  let t: TestApp;
  const secret = () => process.env.JWT_SECRET as string;
  const claims = (overrides: object = {}) => ({ sub: 'someone', iss: 'r2-files', aud: 'r2-files', ...overrides });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers, logs in and identifies the caller', async () => {
    const user = await registerUser(t);
    const login = await t.http.post('/auth/login').send({ email: user.email.toUpperCase(), password: user.password }).expect(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    const me = await t.http.get('/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    expect(me.body).toEqual({ id: user.id, email: user.email });
    const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const user = await registerUser(t);
    const again = await t.http
      .post('/auth/register')
      .send({ email: `  ${user.email.toUpperCase()} `, password: 'another password' })
      .expect(409);
    expect(again.body).toMatchObject({ success: false, code: 'EMAIL_TAKEN', statusCode: 409 });
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM users WHERE email = $1', [user.email]);
    expect(count).toBe(1);
  });

  it('answers unknown email and wrong password with the same 401', async () => {
    const user = await registerUser(t);
    const wrongPassword = await t.http.post('/auth/login').send({ email: user.email, password: 'not the password' }).expect(401);
    const unknownEmail = await t.http
      .post('/auth/login')
      .send({ email: `nobody-${Date.now()}@example.com`, password: 'not the password' })
      .expect(401);
    expect({ ...wrongPassword.body, requestId: null }).toEqual({ ...unknownEmail.body, requestId: null });
    expect(wrongPassword.body).toMatchObject({ success: false, code: 'INVALID_CREDENTIALS', error: 'Invalid email or password' });
  });

  it.each([
    ['a short password', { email: 'a@example.com', password: 'short' }, 'password'],
    ['a bad email', { email: 'not-an-email', password: 'long enough password' }, 'email'],
    ['an unknown field', { email: 'a@example.com', password: 'long enough password', admin: true }, 'admin'],
  ])('refuses registration with %s, naming the field', async (_label, body, field) => {
    const response = await t.http.post('/auth/register').send(body).expect(400);
    expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', statusCode: 400 });
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(response.body.error).toContain(field);
  });

  describe('rejects bad tokens with 401 JSON', () => {
    const cases: [string, () => string, string][] = [
      [
        'an expired token',
        () => jwt.sign(claims({ exp: Math.floor(Date.now() / 1000) - 60 }), secret(), { algorithm: 'HS256' }),
        'TOKEN_EXPIRED',
      ],
      ['a token signed with another secret', () => jwt.sign(claims(), 'x'.repeat(48), { algorithm: 'HS256' }), 'TOKEN_INVALID'],
      ['an alg:none token', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'TOKEN_INVALID'],
      ['an HS512 token with the right secret', () => jwt.sign(claims(), secret(), { algorithm: 'HS512' }), 'TOKEN_INVALID'],
      ['a token from another issuer', () => jwt.sign(claims({ iss: 'someone-else' }), secret(), { algorithm: 'HS256' }), 'TOKEN_INVALID'],
      ['a token for another audience', () => jwt.sign(claims({ aud: 'another-api' }), secret(), { algorithm: 'HS256' }), 'TOKEN_INVALID'],
      [
        'a token without a subject',
        () => jwt.sign({ iss: 'r2-files', aud: 'r2-files' }, secret(), { algorithm: 'HS256' }),
        'TOKEN_INVALID',
      ],
      ['a malformed token', () => 'not.a.jwt', 'TOKEN_INVALID'],
      ['garbage', () => 'garbage', 'TOKEN_INVALID'],
    ];
    it.each(cases)('%s', async (_label, token, code) => {
      const response = await t.http.get('/auth/me').set('Authorization', `Bearer ${token()}`).expect(401);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body).toMatchObject({ success: false, code, statusCode: 401, requestId: expect.any(String) });
    });

    it('a missing or non-bearer Authorization header', async () => {
      for (const header of [undefined, 'Basic dXNlcjpwYXNz']) {
        const call = t.http.get('/auth/me');
        const response = await (header ? call.set('Authorization', header) : call).expect(401);
        expect(response.body).toMatchObject({ success: false, code: 'AUTH_REQUIRED' });
      }
    });
  });

  it('accepts a valid token it did not issue through login (no database lookup per request)', async () => {
    const token = jwt.sign(claims({ sub: 'external-user-1' }), secret(), { algorithm: 'HS256', expiresIn: 60 });
    const me = await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toEqual({ id: 'external-user-1', email: null });
  });
});

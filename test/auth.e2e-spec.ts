import { describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';

import { waitFor } from './support/faults/wait.js';
import { registerUser, useTestApp } from './support/test-app.js';

/** Accounts and tokens. Malformed registrations and bad tokens are cases of the bad-input matrix. */
describe('auth', () => {
  const t = useTestApp();
  const secret = () => process.env.JWT_SECRET as string;

  it('registers, logs in and identifies the caller', async () => {
    const user = await registerUser(t);
    const login = await t.api.login({ email: user.email.toUpperCase(), password: user.password }).expect(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    const me = await t.api.as({ token: login.body.accessToken }).me().expect(200);
    expect(me.body).toEqual({ id: user.id, email: user.email });
    const [row] = await t.db.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const user = await registerUser(t);
    const again = await t.api.register({ email: `  ${user.email.toUpperCase()} `, password: 'another password' }).expect(409);
    expect(again.body).toMatchObject({ success: false, code: 'EMAIL_TAKEN', statusCode: 409 });
    const [{ count }] = await t.db.query<[{ count: number }]>('SELECT count(*)::int AS count FROM users WHERE email = $1', [user.email]);
    expect(count).toBe(1);
  });

  it('answers unknown email and wrong password with the same 401', async () => {
    const user = await registerUser(t);
    const wrongPassword = await t.api.login({ email: user.email, password: 'not the password' }).expect(401);
    const unknownEmail = await t.api.login({ email: `nobody-${Date.now()}@example.com`, password: 'not the password' }).expect(401);
    expect({ ...wrongPassword.body, requestId: null }).toEqual({ ...unknownEmail.body, requestId: null });
    expect(wrongPassword.body).toMatchObject({ success: false, code: 'INVALID_CREDENTIALS', error: 'Invalid email or password' });
  });

  it('accepts a valid token it did not issue through login (no database lookup per request)', async () => {
    const token = jwt.sign({ sub: 'external-user-1', iss: 'r2-files', aud: 'r2-files' }, secret(), { algorithm: 'HS256', expiresIn: 60 });
    const me = await t.api.as({ token }).me().expect(200);
    expect(me.body).toEqual({ id: 'external-user-1', email: null });
  });

  it('refuses a token once it expires, though it was accepted (and remembered) before', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = jwt.sign({ sub: 'short-lived-user', iss: 'r2-files', aud: 'r2-files', exp: expiresAt }, secret(), { algorithm: 'HS256' });
    await t.api.as({ token }).me().expect(200);
    await t.api.as({ token }).me().expect(200);
    await waitFor('the token to expire', () => Date.now() >= expiresAt * 1000, { timeoutMs: 5000 });
    const refused = await t.api.as({ token }).me().expect(401);
    expect(refused.body).toMatchObject({ code: 'TOKEN_EXPIRED' });
  });
});

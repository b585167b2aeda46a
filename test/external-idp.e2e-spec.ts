import { createHmac, KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

import { registerUser, useTestApp } from './support/test-app.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'r2-files-api';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** Access tokens from an external identity provider, verified against a JWKS the test itself serves. */
describe('external identity provider (JWKS)', () => {
  let jwksServer: Server;
  let jwksUrl = '';
  let served: JWK[] = [];
  let fetches = 0;
  const keys: Record<string, { pair: KeyPair; alg: 'RS256' | 'ES256' }> = {};
  const keyOf = (kid: string) => {
    const key = keys[kid];
    if (!key) throw new Error(`no test key ${kid}`);
    return key;
  };

  const addKey = async (kid: string, alg: 'RS256' | 'ES256') => {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys[kid] = { pair, alg };
    return { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } as JWK;
  };
  const token = (kid: string, claims: { iss?: string; aud?: string; sub?: string; expiresIn?: string | number } = {}) =>
    new SignJWT({ email: `${claims.sub ?? 'idp-user-1'}@idp.example.com` })
      .setProtectedHeader({ alg: keyOf(kid).alg, kid })
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setSubject(claims.sub ?? 'idp-user-1')
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '5m')
      .sign(keyOf(kid).pair.privateKey);
  const me = (bearer: string) => t.api.as({ token: bearer }).me();

  beforeAll(async () => {
    served = [await addKey('rsa-1', 'RS256'), await addKey('ec-1', 'ES256')];
    jwksServer = createServer((_request, response) => {
      fetches += 1;
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', () => resolve()));
    const { port } = jwksServer.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  });
  // Booted once the JWKS server above listens, closed before it stops (hooks run in declaration order).
  const t = useTestApp(() => ({
    AUTH_JWKS_URL: jwksUrl,
    AUTH_EXTERNAL_ISSUER: ISSUER,
    AUTH_EXTERNAL_AUDIENCE: AUDIENCE,
    AUTH_JWKS_COOLDOWN: '0',
  }));
  afterAll(async () => {
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it.each(['rsa-1', 'ec-1'])('accepts a valid token signed with %s; the user id is its sub', async (kid) => {
    const response = await me(await token(kid, { sub: `user-${kid}` })).expect(200);
    expect(response.body).toEqual({ id: `user-${kid}`, email: `user-${kid}@idp.example.com` });
  });

  it('lets an external user upload, owning the file by sub', async () => {
    const bearer = await token('rsa-1', { sub: 'idp-uploader' });
    const presign = await t.api.as({ token: bearer }).presign({ fileName: 'a.txt', contentType: 'text/plain' }).expect(201);
    const [row] = await t.db.query<{ user_id: string }[]>('SELECT user_id FROM r2_files WHERE object_key = $1', [presign.body.objectKey]);
    expect(row?.user_id).toBe('idp-uploader');
  });

  it('caches the key set instead of fetching it per request', async () => {
    const before = fetches;
    for (let i = 0; i < 5; i += 1) await me(await token('rsa-1')).expect(200);
    expect(fetches).toBe(before);
  });

  it.each([
    ['an expired token', () => token('rsa-1', { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'TOKEN_EXPIRED'],
    ['a token from another issuer', () => token('rsa-1', { iss: 'https://evil.example.com/' }), 'TOKEN_INVALID'],
    ['a token for another audience', () => token('rsa-1', { aud: 'some-other-api' }), 'TOKEN_INVALID'],
    ["a provider token carrying this API's own audience", () => token('rsa-1', { aud: 'r2-files' }), 'TOKEN_INVALID'],
  ])('refuses %s', async (_label, make, code) => {
    const response = await me(await make()).expect(401);
    expect(response.body).toMatchObject({ success: false, code });
  });

  it('refuses a token whose key id is unknown', async () => {
    // A key the provider never published in its JWKS.
    await addKey('not-published', 'RS256');
    const response = await me(await token('not-published')).expect(401);
    expect(response.body.code).toBe('TOKEN_INVALID');
  });

  it('refuses an HS256 token signed with the public key as secret (algorithm confusion)', async () => {
    const publicPem = KeyObject.from(keyOf('rsa-1').pair.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${b64({ sub: 'attacker', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 })}`;
    const forged = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
    expect((await me(forged).expect(401)).body.code).toBe('TOKEN_INVALID');
  });

  it('picks up a rotated key from the JWKS', async () => {
    served = [await addKey('rsa-2', 'RS256')];
    const response = await me(await token('rsa-2', { sub: 'after-rotation' })).expect(200);
    expect(response.body.id).toBe('after-rotation');
  });

  it("still accepts the API's own tokens", async () => {
    const user = await registerUser(t);
    await t.api.as(user).me().expect(200);
  });
});

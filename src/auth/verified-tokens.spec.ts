import { describe, expect, it } from '@jest/globals';

import { VERIFIED_TOKEN_CAPACITY, VERIFIED_TOKEN_TTL_MS, VerifiedTokens } from './verified-tokens.js';

const user = { id: 'user-1', email: null };
const now = 1_800_000_000_000;
const inAnHour = now / 1000 + 3600;

describe('VerifiedTokens', () => {
  it('returns the user of a remembered token', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('a.b.c', user, inAnHour, now);
    expect(tokens.get('a.b.c', now + 1000)).toBe(user);
    expect(tokens.get('a.b.d', now + 1000)).toBeUndefined();
  });

  it('forgets a token when it expires, even within the TTL', () => {
    const tokens = new VerifiedTokens();
    const expiresAt = now / 1000 + 5;
    tokens.remember('a.b.c', user, expiresAt, now);
    expect(tokens.get('a.b.c', expiresAt * 1000 - 1)).toBe(user);
    expect(tokens.get('a.b.c', expiresAt * 1000)).toBeUndefined();
  });

  it('re-verifies after the TTL, however long the token lives', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('a.b.c', user, inAnHour, now);
    expect(tokens.get('a.b.c', now + VERIFIED_TOKEN_TTL_MS - 1)).toBe(user);
    expect(tokens.get('a.b.c', now + VERIFIED_TOKEN_TTL_MS)).toBeUndefined();
  });

  it('does not cache a token without a numeric exp, or one already expired', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('no-exp', user, undefined, now);
    tokens.remember('text-exp', user, String(inAnHour), now);
    tokens.remember('expired', user, now / 1000 - 1, now);
    expect(tokens.get('no-exp', now)).toBeUndefined();
    expect(tokens.get('text-exp', now)).toBeUndefined();
    expect(tokens.get('expired', now)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest first', () => {
    const tokens = new VerifiedTokens();
    for (let i = 0; i <= VERIFIED_TOKEN_CAPACITY; i += 1) tokens.remember(`token-${i}`, user, inAnHour, now);
    expect(tokens.get('token-0', now)).toBeUndefined();
    expect(tokens.get('token-1', now)).toBe(user);
    expect(tokens.get(`token-${VERIFIED_TOKEN_CAPACITY}`, now)).toBe(user);
  });
});

import { Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from './authenticated-user.js';

/** How long a verified token is trusted without checking its signature again (at most until it expires). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Bound on the memory the cache may take (~300 bytes per token): beyond it the oldest entries go. */
export const VERIFIED_TOKEN_CAPACITY = 10_000;

interface Entry {
  user: AuthenticatedUser;
  /** Epoch ms after which the entry is void: the token's expiry or the TTL, whichever comes first. */
  until: number;
}

/**
 * Access tokens this process verified in the last minute, with the user they stand for. A client
 * sends the same token on every request: checking its signature, issuer, audience and claims again
 * each time costs more CPU than the rest of the guard (passport, jsonwebtoken). The cache holds
 * only tokens that passed every check, keyed by the exact token text, and honours `exp`: an entry
 * dies when its token expires (or after VERIFIED_TOKEN_TTL_MS), so an expired token is re-verified
 * and refused as usual. Tokens without `exp` are not cached. Per process, nothing shared.
 */
@Injectable()
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  /** The user of a token verified recently and not yet expired, else undefined. */
  get(token: string, now = Date.now()): AuthenticatedUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now < entry.until) return entry.user;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a token that has just passed verification; `expiresAt` is its `exp` claim (seconds). */
  remember(token: string, user: AuthenticatedUser, expiresAt: unknown, now = Date.now()): void {
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return;
    const until = Math.min(expiresAt * 1000, now + VERIFIED_TOKEN_TTL_MS);
    if (until <= now) return;
    if (this.entries.size >= VERIFIED_TOKEN_CAPACITY && !this.entries.has(token)) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { user, until });
  }
}

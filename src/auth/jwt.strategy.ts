import { createSecretKey } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { decodeProtectedHeader, type JWTHeaderParameters } from 'jose';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { unsafeStringProblem } from '../common/http/safe-strings.pipe.js';
import { type AuthConfig, authConfig } from '../config/configuration.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { EXTERNAL_ALGORITHMS, ExternalKeys } from './external-keys.js';
import { VerifiedTokens } from './verified-tokens.js';

export const JWT_ALGORITHM = 'HS256';
/** Identity providers' subject ids are short (UUIDs, `auth0|…`); anything longer is refused. */
const MAX_SUBJECT_LENGTH = 255;

interface AccessTokenClaims {
  sub?: unknown;
  email?: unknown;
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
}

/** The bearer token of a request (`Authorization: Bearer <token>`), as passport-jwt reads it; null if none. */
export const bearerToken: (request: Request) => string | null = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Verifies access tokens: the API's own (HS256 with JWT_SECRET) and, when configured, an external
 * identity provider's (RS256/ES256 with its JWKS). The key is chosen from the token's algorithm —
 * an HS256 token is only ever checked against our secret, an RS/ES token only against the
 * provider's public keys — so `alg: none` and algorithm-confusion tokens fail. Issuer, audience
 * and expiry are enforced; the user id is `sub`. No database lookup per request. A token that
 * passes is remembered for a minute (VerifiedTokens), so the guard can skip re-verifying it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    externalKeys: ExternalKeys,
    private readonly verifiedTokens: VerifiedTokens,
  ) {
    const external = config.external;
    // A KeyObject, built once: given a string, jsonwebtoken first tries (and fails) to parse it as
    // a public key on every verification, which costs more than the HMAC itself.
    const secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    super({
      jwtFromRequest: bearerToken,
      passReqToCallback: true,
      algorithms: external ? [JWT_ALGORITHM, ...EXTERNAL_ALGORITHMS] : [JWT_ALGORITHM],
      issuer: external ? [config.issuer, external.issuer] : config.issuer,
      audience: external ? [config.audience, external.audience] : config.audience,
      ignoreExpiration: false,
      secretOrKeyProvider: (_request: Request, rawJwtToken: string, done: (error: unknown, key?: string | Buffer) => void) => {
        let header: JWTHeaderParameters;
        try {
          header = decodeProtectedHeader(rawJwtToken) as JWTHeaderParameters;
        } catch (error) {
          return done(error);
        }
        if (header.alg === JWT_ALGORITHM) return done(null, secret as unknown as Buffer);
        if (externalKeys.enabled && (EXTERNAL_ALGORITHMS as readonly string[]).includes(header.alg)) {
          // jsonwebtoken verifies with a KeyObject; the typings only name strings and buffers.
          return void externalKeys.keyFor(header).then((key) => done(null, key as unknown as Buffer), done);
        }
        done(new Error(`tokens signed with ${String(header.alg)} are not accepted`));
      },
    });
  }

  validate(request: Request, claims: AccessTokenClaims): AuthenticatedUser | false {
    const user = this.userOf(claims);
    const token = bearerToken(request);
    if (user && token) this.verifiedTokens.remember(token, user, claims.exp);
    return user;
  }

  private userOf(claims: AccessTokenClaims): AuthenticatedUser | false {
    // The user id goes into every query (RLS setting, user_id column): a claim PostgreSQL cannot
    // store or index makes the token invalid, never a database error.
    if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > MAX_SUBJECT_LENGTH) return false;
    if (unsafeStringProblem(claims.sub) || (typeof claims.email === 'string' && unsafeStringProblem(claims.email))) return false;
    // Issuer and audience were each checked against both lists; they must also belong together.
    const audiences = ([] as unknown[]).concat(claims.aud);
    const expected = claims.iss === this.config.issuer ? this.config.audience : this.config.external?.audience;
    if (!expected || !audiences.includes(expected)) return false;
    return { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null };
  }
}

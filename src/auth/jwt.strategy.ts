import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../config/configuration.js';
import type { AuthenticatedUser } from './authenticated-user.js';

export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub?: unknown;
  email?: unknown;
}

/**
 * Verifies our own access tokens: HS256 only (so `alg: none` and algorithm-confusion tokens
 * fail), issuer and audience checked, expiry enforced. No database lookup per request: the
 * token is the proof, which is why its lifetime is short.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      issuer: config.issuer,
      audience: config.audience,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): AuthenticatedUser | false {
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) return false;
    return { id: claims.sub, email: typeof claims.email === 'string' ? claims.email : null };
  }
}

import { KeyObject } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, type JWTHeaderParameters } from 'jose';

import { type AuthConfig, authConfig } from '../config/configuration.js';

export const EXTERNAL_ALGORITHMS = ['RS256', 'ES256'] as const;

/**
 * Public keys of the external identity provider, fetched from its JWKS URL and cached. A token
 * with an unknown `kid` triggers a refetch (at most once per AUTH_JWKS_COOLDOWN), which is how
 * rotated keys are picked up.
 */
@Injectable()
export class ExternalKeys {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.jwks = config.external
      ? createRemoteJWKSet(new URL(config.external.jwksUrl), {
          cooldownDuration: config.external.cooldownSeconds * 1000,
          cacheMaxAge: 10 * 60 * 1000,
          timeoutDuration: 5000,
        })
      : null;
  }

  get enabled(): boolean {
    return this.jwks !== null;
  }

  /** The provider's key for a token header (by `kid` and `alg`); rejects when there is none. */
  async keyFor(header: JWTHeaderParameters): Promise<KeyObject> {
    if (!this.jwks) throw new Error('no external identity provider is configured');
    const key = await this.jwks(header);
    return key instanceof KeyObject ? key : KeyObject.from(key);
  }
}

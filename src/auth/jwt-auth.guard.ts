import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';

import { AppError } from '../common/errors/app-error.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { IS_PUBLIC_KEY } from './decorators/public.decorator.js';
import { bearerToken } from './jwt.strategy.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * The global guard: every route needs a valid bearer token unless it is marked `@Public()`.
 * Failures are 401s in the API's error shape, with a code telling missing, expired and invalid apart.
 * A token verified within the last minute and not expired (VerifiedTokens) is taken as is; any
 * other goes through passport and the JwtStrategy's full checks.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifiedTokens: VerifiedTokens,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const token = bearerToken(request);
    const user = token ? this.verifiedTokens.get(token) : undefined;
    if (user) {
      request.user = user;
      return true;
    }
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error instanceof AppError ? error : new AppError('TOKEN_INVALID', 'The access token is not valid');
    if (user) return user;
    throw tokenError(info);
  }
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
}

function tokenError(info: unknown): AppError {
  const name = (info as { name?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message;
  if (name === 'TokenExpiredError') return new AppError('TOKEN_EXPIRED', 'The access token has expired; log in again');
  if (message === 'No auth token') {
    return new AppError('AUTH_REQUIRED', 'Authentication required: send "Authorization: Bearer <accessToken>"');
  }
  return new AppError('TOKEN_INVALID', 'The access token is not valid');
}

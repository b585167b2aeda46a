import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';

import { AppError } from '../common/errors/app-error.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { IS_PUBLIC_KEY } from './decorators/public.decorator.js';

/**
 * The global guard: every route needs a valid bearer token unless it is marked `@Public()`.
 * Failures are 401s in the API's error shape, with a code telling missing, expired and invalid apart.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (isPublic(this.reflector, context)) return true;
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

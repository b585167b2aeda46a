import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import type { AuthenticatedUser } from '../authenticated-user.js';

/** The authenticated caller. Only valid on guarded routes (the global guard sets it). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
  if (!request.user) throw new Error('@CurrentUser() used on a route without an authenticated user');
  return request.user;
});

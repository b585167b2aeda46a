import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';

import type { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { type AuthConfig, authConfig } from '../config/configuration.js';

/**
 * Slows down password guessing and mass sign-ups: AUTH_RATE_LIMIT requests per client IP per
 * AUTH_RATE_WINDOW on each credentials route, then 429 with `Retry-After`. Counters live in this
 * process (several instances each allow the limit). The client IP is Express's `req.ip`, which
 * honours X-Forwarded-For only from trusted proxies (`trust proxy`).
 */
@Injectable()
export class AuthRateLimitMiddleware implements NestMiddleware {
  private readonly limiter: RateLimitRequestHandler;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    const windowMs = config.rateLimit.windowSeconds * 1000;
    this.limiter = rateLimit({
      windowMs,
      limit: config.rateLimit.limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (request: Request & { id?: unknown; rateLimit?: { resetTime?: Date } }, response: Response) => {
        const resetAt = request.rateLimit?.resetTime?.getTime() ?? Date.now() + windowMs;
        const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
        const body: ErrorResponseDto = {
          success: false,
          error: `Too many attempts; try again in ${retryAfter} seconds`,
          code: 'RATE_LIMITED',
          statusCode: 429,
          requestId: typeof request.id === 'string' ? request.id : '',
        };
        response.setHeader('Retry-After', String(retryAfter));
        response.status(429).json(body);
      },
    });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    void this.limiter(request, response, next);
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';

import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { type AppConfig, appConfig } from './config/configuration.js';
import { assignRequestId } from './logging/logging.module.js';
import { buildOpenApiDocument, serveOpenApi } from './openapi/openapi-document.js';

/** JSON bodies are metadata only (the file bytes go straight to the store): keep them small. */
export const JSON_BODY_LIMIT = '16kb';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Everything `main.ts` and the tests both need on top of the module graph, so the app under
 * test is the app in production.
 */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  const config = app.get<AppConfig>(appConfig.KEY);
  app.useLogger(app.get(Logger));
  // The request id first: answers the body parser refuses (before any module middleware runs)
  // carry it too. The request logger reuses it.
  app.use((request: IncomingMessage & { id?: string }, response: ServerResponse, next: () => void) => {
    request.id = assignRequestId(request, response);
    next();
  });
  app.use(helmet());
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  // Only methods that carry a body parse one: a GET or DELETE ignores any body it is sent rather
  // than answering 400/413/415 about it (the OpenAPI document lists those on body routes only).
  app.useBodyParser('json', {
    limit: JSON_BODY_LIMIT,
    type: (request: IncomingMessage) => BODY_METHODS.has(request.method ?? '') && Boolean((request as Request).is('application/json')),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  serveOpenApi(app, await buildOpenApiDocument(app));
}

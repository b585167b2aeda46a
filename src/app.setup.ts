import type { IncomingMessage, ServerResponse } from 'node:http';

import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';

import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { configureHttpServer } from './common/http/http-server.js';
import { SafeStringsPipe } from './common/http/safe-strings.pipe.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { type AppConfig, appConfig } from './config/configuration.js';
import { assignRequestId } from './logging/logging.module.js';
import { buildOpenApiDocument, serveOpenApi } from './openapi/openapi-document.js';

/**
 * Everything `main.ts` and the tests both need on top of the module graph, so the app under
 * test is the app in production.
 */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  const config = app.get<AppConfig>(appConfig.KEY);
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureHttpServer(app.getHttpServer(), config.http, logger);
  // The request id first: every answer carries it, even one refused before any module middleware
  // runs. The request logger reuses it.
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
  // JSON bodies are parsed by JsonBodyMiddleware (AppModule), after the request logger.
  app.useGlobalPipes(new SafeStringsPipe(), createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  serveOpenApi(app, await buildOpenApiDocument(app));
}

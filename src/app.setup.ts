import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { buildOpenApiDocument, serveOpenApi } from './openapi/openapi-document.js';

/** JSON bodies are metadata only (the file bytes go straight to the store): keep them small. */
export const JSON_BODY_LIMIT = '16kb';

/**
 * Everything `main.ts` and the tests both need on top of the module graph, so the app under
 * test is the app in production.
 */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  serveOpenApi(app, await buildOpenApiDocument(app));
}

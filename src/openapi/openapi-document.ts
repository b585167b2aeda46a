import { STATUS_CODES } from 'node:http';

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { applyErrorResponses } from './error-responses.js';
import { ERROR_DETAILS_MODELS } from './error-schemas.js';
import { applyHeaders } from './headers.js';
import { applyOperationSecurity, BEARER_SCHEME } from './operation-security.js';
import { operationsOf } from './operations.js';

/**
 * The OpenAPI document of the running app. DTO schemas come from the @nestjs/swagger CLI plugin
 * (JSDoc comments become descriptions); under Jest, where no TS plugin runs, the same metadata is
 * loaded from the generated `src/metadata.ts` (see scripts/generate-swagger-metadata.ts).
 *
 * What decorators cannot say is derived here from what the routes declare, so that a new route is
 * documented exactly without extra work: its operationId is its handler's name, it needs a token
 * unless `@Public()`.
 */
export async function buildOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  // A computed specifier: the file is generated (npm run swagger:metadata, run by build, dev, test and
  // typecheck), so a fresh clone type-checks before it exists.
  const generated: string = '../metadata.js';
  const { default: metadata } = (await import(generated)) as { default: Parameters<typeof SwaggerModule.loadPluginMetadata>[0] };
  await SwaggerModule.loadPluginMetadata(metadata);
  const config = new DocumentBuilder()
    .setTitle('r2-files')
    .setDescription(
      'Direct-to-storage uploads: get a presigned URL, PUT the file straight to R2 (or any S3 store), ' +
        'then confirm it so the verified metadata is recorded. All routes except /auth/register, /auth/login ' +
        'and /health need `Authorization: Bearer <accessToken>`. Every error answers `{success: false, error, code, ' +
        'statusCode, details?, requestId}`; each code has its own schema (`ValidationFailedError`…) with typed `details`.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This API, at the origin that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: ERROR_DETAILS_MODELS,
    // Handler names are the operation ids (`presignUpload`, `listFiles`): what generated clients call.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  delete document.info.contact; // DocumentBuilder leaves an empty one
  applyOperationSecurity(document);
  applyErrorResponses(document);
  applyHeaders(document);
  describeSuccessResponses(document);
  return document;
}

/** A success response the route did not describe gets its status's reason phrase (`Created`). */
function describeSuccessResponses(document: OpenAPIObject): void {
  for (const { operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (response && 'description' in response && !response.description) response.description = STATUS_CODES[status] ?? status;
    }
  }
}

export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'r2-files API',
    // The token survives a reload of the page (kept in the browser's localStorage).
    swaggerOptions: { persistAuthorization: true },
  });
}

/** The committed `openapi.json`'s exact text: stable key order, two-space indent, final newline. */
export async function renderOpenApiDocument(app: INestApplication): Promise<string> {
  return `${JSON.stringify(await buildOpenApiDocument(app), null, 2)}\n`;
}

/** Enough configuration to build the module graph for the document; nothing connects with it. */
export const OPENAPI_PLACEHOLDER_ENV = {
  DATABASE_URL: 'postgres://placeholder@localhost:5432/placeholder',
  R2_ACCESS_KEY_ID: 'placeholder',
  R2_SECRET_ACCESS_KEY: 'placeholder',
  R2_BUCKET_NAME: 'placeholder',
  S3_ENDPOINT: 'http://localhost:9000',
  JWT_SECRET: 'placeholder-secret-that-is-long-enough-to-pass',
  LOG_LEVEL: 'silent',
};

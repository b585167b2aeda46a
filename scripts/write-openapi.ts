/*
 * Writes openapi.json (committed) from the app's routes and DTOs. Runs without a database or a
 * bucket: the module graph is built in preview mode, which instantiates nothing. A test fails
 * when the committed file is out of date: run `npm run openapi` after changing the API.
 */
import 'reflect-metadata';

import { writeFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';

import { OPENAPI_PLACEHOLDER_ENV, renderOpenApiDocument } from '../src/openapi/openapi-document.js';

Object.assign(process.env, OPENAPI_PLACEHOLDER_ENV);
const { AppModule } = await import('../src/app.module.js');
const app = await NestFactory.create(AppModule, { preview: true, logger: false });
writeFileSync('openapi.json', await renderOpenApiDocument(app));
await app.close();
console.log('wrote openapi.json');

/*
 * Writes openapi.json (committed) from the app's routes and DTOs, and the TypeScript types of it
 * for clients (clients/typescript/openapi.d.ts, committed too). Runs without a database or a
 * bucket: the module graph is built in preview mode, which instantiates nothing. A test fails
 * when either file is out of date: run `npm run openapi` after changing the API.
 */
import 'reflect-metadata';

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { NestFactory } from '@nestjs/core';

import { OPENAPI_PLACEHOLDER_ENV, renderOpenApiDocument } from '../src/openapi/openapi-document.js';
import { CLIENT_TYPES_FILE, renderClientTypes } from './openapi-client-types.js';

Object.assign(process.env, OPENAPI_PLACEHOLDER_ENV);
const { AppModule } = await import('../src/app.module.js');
const app = await NestFactory.create(AppModule, { preview: true, logger: false });
const document = await renderOpenApiDocument(app);
await app.close();
writeFileSync('openapi.json', document);
mkdirSync(dirname(CLIENT_TYPES_FILE), { recursive: true });
writeFileSync(CLIENT_TYPES_FILE, await renderClientTypes(JSON.parse(document) as object));
console.log(`wrote openapi.json and ${CLIENT_TYPES_FILE}`);

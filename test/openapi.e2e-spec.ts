import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { CLIENT_TYPES_FILE, renderClientTypes } from '../scripts/openapi-client-types.js';
import { ERROR_STATUS } from '../src/common/errors/error-codes.js';
import { renderOpenApiDocument } from '../src/openapi/openapi-document.js';
import { PUBLIC_ROUTES } from './support/public-routes.js';
import { useTestApp } from './support/test-app.js';

describe('OpenAPI document', () => {
  const t = useTestApp();

  it('the committed openapi.json is up to date (run `npm run openapi` after changing the API)', async () => {
    // Compared as data: property order inside a schema may differ between build modes.
    const committed: unknown = JSON.parse(readFileSync('openapi.json', 'utf8'));
    expect(JSON.parse(await renderOpenApiDocument(t.app))).toEqual(committed);
  });

  it('the committed client types are those of openapi.json (run `npm run openapi`)', async () => {
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    expect(await renderClientTypes(JSON.parse(readFileSync('openapi.json', 'utf8')))).toBe(committed);
  });

  it('is served at /docs-json with bearer auth and schemas for every route', async () => {
    const { body: document } = await t.http.get('/docs-json').expect(200);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(
      document.paths as Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content?: unknown }> }>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        'POST /presign-upload',
        'POST /save-metadata',
        'GET /files',
        'POST /auth/register',
        'POST /auth/login',
        'GET /auth/me',
      ]),
    );
    for (const { route, operation } of operations) {
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
      // Every success answer documents its body, except "204 No Content" which has none.
      const documented = success !== undefined && (success[0] === '204' || Boolean(success[1].content));
      expect({ route, documented }).toEqual({ route, documented: true });
      if (route.startsWith('POST')) expect({ route, hasBody: Boolean(operation.requestBody) }).toEqual({ route, hasBody: true });
    }
    const presign = document.components.schemas.PresignUploadDto;
    expect(presign.required).toEqual(expect.arrayContaining(['fileName', 'contentType']));
    expect(presign.properties.fileName.description).toContain('255 bytes');
  });

  it('names each operation after its handler and opens exactly the public routes', async () => {
    const { body: document } = await t.http.get('/docs-json').expect(200);
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.info.license).toEqual({ name: 'MIT', url: 'https://opensource.org/licenses/MIT' });
    const operations = Object.entries(
      document.paths as Record<string, Record<string, { operationId: string; security?: unknown[] }>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, ...operation })),
    );
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(ids).toEqual(expect.arrayContaining(['presignUpload', 'saveMetadata', 'listFiles', 'getFile', 'getDownloadUrl', 'deleteFile']));
    // `security: []` (no token) on the public routes only; every other operation inherits bearer auth.
    expect(operations.filter((o) => o.security !== undefined).map((o) => [o.route, o.security])).toEqual(
      expect.arrayContaining(PUBLIC_ROUTES.map((route) => [route, []])),
    );
    expect(operations.filter((o) => o.security !== undefined)).toHaveLength(PUBLIC_ROUTES.length);
  });

  it('types every number as an integer and every timestamp as a date-time, and bounds list pages', async () => {
    const { body: document } = await t.http.get('/docs-json').expect(200);
    // Every number this API reads or answers is a whole number (ids, sizes, counts, statuses):
    // `type: number` would let typed clients send 1.5 and validators accept it.
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as { type?: unknown; properties?: Record<string, { format?: string }> };
      if (schema.type === 'number') problems.push(`${path}: type number`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (/(At|Timestamp)$/.test(name) && property.format !== 'date-time') problems.push(`${path}/${name}: not a date-time`);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(document, '#');
    expect(problems).toEqual([]);
    const limit = document.paths['/files'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    expect(document.components.schemas.MultipartUploadStatusDto.properties.status.enum).toEqual(['pending', 'uploaded', 'rejected']);
    expect(document.components.schemas.PresignUploadDto.properties.fileName).toMatchObject({ minLength: 1, maxLength: 1024 });
  });

  it("README's error table lists every code the document uses, each with its status", async () => {
    const { body: document } = await t.http.get('/docs-json').expect(200);
    const used = Object.values(document.components.schemas as Record<string, { properties?: { code?: { enum?: string[] } } }>)
      .flatMap((schema) => schema.properties?.code?.enum ?? [])
      .sort();
    expect(used).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'FILE_TOO_LARGE', 'NOT_READY']));
    const readme = readFileSync('README.md', 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [code, Number(status)]);
    expect(
      rows
        .filter(([code]) => used.includes(code as string))
        .map(([code]) => code)
        .sort(),
    ).toEqual(used);
    for (const [code, status] of rows) expect([code, status]).toEqual([code, ERROR_STATUS[code as keyof typeof ERROR_STATUS]]);
  });

  it('serves Swagger UI at /docs, keeping the token across reloads', async () => {
    const response = await t.http.get('/docs').redirects(1).expect(200);
    expect(response.text).toContain('swagger-ui');
    // Its configuration is a script of its own (helmet's CSP refuses inline scripts).
    const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });
});

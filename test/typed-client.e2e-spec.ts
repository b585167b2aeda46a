import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from '@jest/globals';

import { pngBytes } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';
import { uploadFlow } from './typed-client/upload-flow.js';

/** A client generated from openapi.json (openapi-typescript + openapi-fetch), compiled and run as an adopter would. */
describe('a client typed from openapi.json', () => {
  const t = useTestApp();
  let baseUrl: string;
  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  it('type-checks with tsc --strict on its own, the generated types included, and its type errors are real', async () => {
    // Exit code 0 means every line typed right, and every `@ts-expect-error` line really an error.
    const run = promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/typed-client/tsconfig.json']);
    const { stdout } = await run.catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(stdout).toBe('');
    await run;
  }, 120_000);

  it('does the whole flow on a real port, reading typed errors on the way', async () => {
    const bytes = pngBytes(4321);
    const result = await uploadFlow(baseUrl, `typed-${Date.now()}@example.com`, { name: 'typed.png', type: 'image/png', bytes });
    expect(result.invalidFields).toEqual(['fileName']);
    expect(result.maxSize).toBe(Number(process.env.UPLOAD_MAX_SIZE ?? 100 * 1024 * 1024));
    expect(result.saved).toMatchObject({ id: expect.any(Number), fileName: 'typed.png', contentType: 'image/png', size: 4321 });
    expect(result.listed.map((file) => file.id)).toEqual([result.saved.id]);
    expect(Buffer.from(result.downloaded).equals(bytes)).toBe(true);
    expect(result.deleteStatus).toBe(204);
    expect(result.afterDelete).toBe('FILE_NOT_FOUND');
  });
});

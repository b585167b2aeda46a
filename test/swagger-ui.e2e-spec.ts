import type { AddressInfo } from 'node:net';

import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';

import { useChromium } from './support/browser/use-chromium.js';
import { pngBytes } from './support/fixtures.js';
import { type RegisteredUser, registerUser, useTestApp } from './support/test-app.js';
import { presignAndPut, putToStore } from './support/uploads.js';

/*
 * Swagger UI (`/docs`) in headless Chromium, used as a person would: authorize once with a token,
 * reload, and "Try it out" every operation of the document through the UI's own form and Execute
 * button. Each answer must be the operation's documented success status.
 */

interface DocumentOperation {
  method: string;
  path: string;
  operationId: string;
  successStatus: number;
}

/** What to type into an operation's form: path parameters and the JSON body (nothing for none). */
interface TryItOut {
  path?: Record<string, string>;
  body?: object;
}

/** The state one operation needs (a file, a multipart upload…), made through the API beforehand. */
type Prepare = (user: RegisteredUser) => Promise<TryItOut>;

describe('Swagger UI in Chromium', () => {
  const t = useTestApp();
  const browser = useChromium();
  let baseUrl: string;
  let user: RegisteredUser;
  let page: Page;

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    user = await registerUser(t);
    page = await browser.context.newPage();
  });

  const caller = () => t.api.as({ auth: user.auth });
  const confirmedFile = async () => {
    const presigned = await presignAndPut(t, { auth: user.auth }, { fileName: 'swagger.png', contentType: 'image/png' }, pngBytes(2048));
    return (await caller().saveMetadata({ objectKey: presigned.objectKey }).expect(201)).body.file;
  };
  const multipart = async () =>
    (await caller().startMultipart({ fileName: 'swagger.txt', contentType: 'text/plain', size: 1024 }).expect(201)).body;

  /** Every operation of the document, with what its form gets. A new route without an entry fails the test. */
  const CASES: Record<string, Prepare> = {
    register: () => Promise.resolve({ body: { email: `swagger-${Date.now()}@example.com`, password: 'a long password' } }),
    login: (u) => Promise.resolve({ body: { email: u.email, password: u.password } }),
    getMe: () => Promise.resolve({}),
    checkLiveness: () => Promise.resolve({}),
    checkReadiness: () => Promise.resolve({}),
    presignUpload: () => Promise.resolve({ body: { fileName: 'from-swagger.png', contentType: 'image/png', size: 2048 } }),
    saveMetadata: async (u) => {
      const presigned = await presignAndPut(t, { auth: u.auth }, { fileName: 'saved.png', contentType: 'image/png' }, pngBytes(1024));
      return { body: { objectKey: presigned.objectKey } };
    },
    listFiles: () => Promise.resolve({}),
    getFile: async () => ({ path: { id: String((await confirmedFile()).id) } }),
    getDownloadUrl: async () => ({ path: { id: String((await confirmedFile()).id) } }),
    deleteFile: async () => ({ path: { id: String((await confirmedFile()).id) } }),
    startMultipartUpload: () => Promise.resolve({ body: { fileName: 'big.txt', contentType: 'text/plain', size: 1024 } }),
    // Uppy 6's signRequest, forwarded: a PutObject under a key Uppy proposed.
    signUploadRequest: () =>
      Promise.resolve({ body: { method: 'PUT', key: 'uppy-proposed-key.png', contentType: 'image/png', size: 2048 } }),
    signMultipartParts: async () => ({ path: { uploadId: (await multipart()).uploadId }, body: { partNumbers: [1] } }),
    getMultipartUpload: async () => ({ path: { uploadId: (await multipart()).uploadId } }),
    abortMultipartUpload: async () => ({ path: { uploadId: (await multipart()).uploadId } }),
    cancelUpload: async () => ({
      path: {
        objectKey: (await caller().presign({ fileName: 'cancelled.png', contentType: 'image/png' }).expect(201)).body.objectKey,
      },
    }),
    completeMultipartUpload: async () => {
      const started = await multipart();
      const part = started.parts[0];
      if (!part) throw new Error('no part URL');
      const put = await putToStore(part.url, Buffer.alloc(part.size, 'x'));
      return { path: { uploadId: started.uploadId }, body: { parts: [{ partNumber: 1, etag: put.etag }] } };
    },
  };

  const operations = async (): Promise<DocumentOperation[]> => {
    const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    return Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method,
        path,
        operationId: operation.operationId,
        successStatus: Number(Object.keys(operation.responses).find((status) => status.startsWith('2'))),
      })),
    );
  };

  const authorize = async (token: string) => {
    await page.locator('.auth-wrapper .btn.authorize').click();
    const modal = page.locator('.modal-ux');
    await modal.locator('input[type=text]').fill(token);
    await modal.locator('.auth-btn-wrapper .btn.authorize').click();
    await modal.locator('.auth-btn-wrapper .btn-done').click();
  };

  /** Expands the operation, fills its form, presses Execute, and returns the status Swagger UI shows. */
  const tryItOut = async (operationId: string, input: TryItOut, collapse = true): Promise<string> => {
    const block = page.locator(`.opblock[id$="-${operationId}"]`);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
    const tryOut = block.locator('.try-out__btn');
    if ((await tryOut.textContent())?.includes('Try it out')) await tryOut.click();
    for (const [name, value] of Object.entries(input.path ?? {})) await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
    if (input.body) await block.locator('.body-param textarea').fill(JSON.stringify(input.body));
    await block.locator('.btn.execute').click();
    const status = block.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    const shown = (await status.textContent())?.trim() ?? '';
    // Collapsed again: every open operation re-renders on each change, slowing the page down.
    if (collapse) await block.locator('.opblock-summary').first().click();
    return shown;
  };

  it('keeps the token across a reload (persistAuthorization) and sends it', async () => {
    await page.goto(`${baseUrl}/docs`);
    await authorize(user.token);
    await page.reload();
    await page.locator('.opblock').first().waitFor();
    const { origins } = await browser.context.storageState();
    const stored = origins.find((entry) => entry.origin === baseUrl)?.localStorage.find((item) => item.name === 'authorized');
    expect(stored?.value).toContain(user.token);
    // The reloaded page still sends it: /auth/me answers who the token belongs to.
    expect(await tryItOut('getMe', {}, false)).toBe('200');
    await expect(
      page.locator('.opblock[id$="-getMe"] .live-responses-table tbody .response-col_description').first().textContent(),
    ).resolves.toContain(user.email);
  });

  it('"Try it out" answers each operation its documented success status', async () => {
    await page.locator('.opblock[id$="-getMe"] .opblock-summary').first().click();
    const all = await operations();
    expect(all.map((op) => op.operationId).filter((id) => !(id in CASES))).toEqual([]);
    const results: Record<string, string> = {};
    for (const op of all) {
      const prepare = CASES[op.operationId];
      if (prepare) results[`${op.method.toUpperCase()} ${op.path}`] = await tryItOut(op.operationId, await prepare(user));
    }
    expect(results).toEqual(Object.fromEntries(all.map((op) => [`${op.method.toUpperCase()} ${op.path}`, String(op.successStatus)])));
  }, 180_000);
});

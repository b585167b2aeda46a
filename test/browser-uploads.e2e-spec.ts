import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';

import { buildExample, bundlePage, EXAMPLE_ROOT } from '../scripts/build-example.js';
import { type RunningStaticSite, serveStaticSite } from '../scripts/local-stack/static-server.js';
import { type StorageConfig, storageConfig } from '../src/config/configuration.js';
import { applyUploadCors } from '../src/storage/apply-upload-cors.js';
import { uploadCorsRules } from '../src/storage/bucket-cors.js';
import { HARNESS_CORS_ORIGINS } from './harness/harness-cors.js';
import { useChromium } from './support/browser/use-chromium.js';
import { pngBytes } from './support/fixtures.js';
import { useTestApp } from './support/test-app.js';

/*
 * The browser example (examples/browser: Uppy 6 + Dashboard) and an Uppy 5 page, in headless
 * Chromium, each from a web origin of its own: neither the API's nor the store's. The bucket's CORS
 * rules are applied from configuration (STORAGE_CORS_ORIGINS) the way `npm run storage:cors` does.
 */

const MiB = 1024 * 1024;
const UPPY5_ROOT = fileURLToPath(new URL('./browser-pages/uppy5', import.meta.url));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface PageFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Runs in the page: the DataTransfer a drop of these files carries (bytes sent as base64). */
function dataTransferOf(files: { name: string; mimeType: string; base64: string }[]): unknown {
  const page = globalThis as unknown as {
    DataTransfer: new () => { items: { add(file: unknown): void } };
    File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
  };
  const transfer = new page.DataTransfer();
  for (const file of files) {
    const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
    transfer.items.add(new page.File([bytes], file.name, { type: file.mimeType }));
  }
  return transfer;
}

describe('uploads from a browser page on another origin', () => {
  const sites: RunningStaticSite[] = [];
  /** Where the example runs: an allowed origin (a `localhost` name; the API and store are on 127.0.0.1). */
  let pageOrigin: string;
  /** The same page on an origin the bucket does not allow (the API does, so sign-in works). */
  let refusedOrigin: string;
  let uppy5Origin: string;
  /** The pages' /config.json: the API's URL, known once it listens. */
  const siteConfig: { apiUrl?: string } = {};

  beforeAll(async () => {
    await Promise.all([
      buildExample(),
      bundlePage(`${UPPY5_ROOT}/main.ts`, `${UPPY5_ROOT}/dist`, 'main', { '@uppy/core': 'uppy5-core', '@uppy/aws-s3': 'uppy5-aws-s3' }),
    ]);
    for (const root of [EXAMPLE_ROOT, EXAMPLE_ROOT, UPPY5_ROOT]) sites.push(await serveStaticSite({ root, config: siteConfig }));
    [pageOrigin, refusedOrigin, uppy5Origin] = [
      `http://localhost:${sites[0]?.port}`,
      `http://127.0.0.1:${sites[1]?.port}`,
      `http://localhost:${sites[2]?.port}`,
    ];
  }, 60_000);

  const t = useTestApp(() => ({
    STORAGE_CORS_ORIGINS: `${pageOrigin},${uppy5Origin}`,
    API_CORS_ORIGINS: `${pageOrigin},${refusedOrigin},${uppy5Origin}`,
  }));
  const browser = useChromium();

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    siteConfig.apiUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await applyUploadCors(t.app.get<StorageConfig>(storageConfig.KEY));
  });

  afterAll(async () => {
    await t.bucketAdmin.putBucketCors(uploadCorsRules(HARNESS_CORS_ORIGINS, 3600));
    await Promise.all(sites.map((site) => site.stop()));
  });

  const newPage = async (origin: string) => {
    const page = await browser.context.newPage();
    await page.goto(origin);
    return page;
  };

  /** Signs up through the page's form. */
  const register = async (page: Page) => {
    const email = `browser-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long browser password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#workspace').waitFor();
    return email;
  };

  /** Drops files on Uppy's Dashboard, as a user dragging them from the desktop does, and starts the upload. */
  const upload = async (page: Page, files: PageFile[]) => {
    const encoded = files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') }));
    const dataTransfer = await page.evaluateHandle(dataTransferOf, encoded);
    const dropZone = page.locator('.uppy-Dashboard-inner');
    for (const type of ['dragenter', 'dragover', 'drop']) await dropZone.dispatchEvent(type, { dataTransfer });
    await page.locator('.uppy-StatusBar-actionBtn--upload').click();
  };

  const row = (page: Page, name: string) => page.locator(`#files tr[data-file-name="${name}"]`);

  /** Waits until the page lists the file, or fails at once with the error the page logged for it. */
  const listed = async (page: Page, name: string) => {
    const failure = page.locator('#log li', { hasText: `upload failed: ${name}` });
    await row(page, name).or(failure).first().waitFor({ timeout: 45_000 });
    if (await failure.count()) throw new Error(`the page says: ${await failure.first().textContent()}`);
  };

  it('uploads a PNG and a 12 MiB file (multipart), lists them, downloads the same bytes, deletes them', async () => {
    const page = await newPage(pageOrigin);
    // What the browser sent to the store itself: proof the large file went up in parts.
    const storeRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(process.env.S3_ENDPOINT ?? '-')) storeRequests.push(`${request.method()} ${request.url()}`);
    });
    await register(page);
    const files = [
      { name: 'photo.png', mimeType: 'image/png', buffer: pngBytes(300 * 1024) },
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(12 * MiB) },
    ];
    await upload(page, files);
    for (const file of files) await listed(page, file.name);
    const partPuts = storeRequests.filter((line) => /^PUT .*[?&]partNumber=\d+/.test(line));
    expect(partPuts.length).toBe(3); // 12 MiB in Uppy's 5 MiB chunks
    expect(storeRequests.filter((line) => /^POST .*[?&]uploads(=|&|$)/.test(line))).toHaveLength(1); // CreateMultipartUpload
    for (const file of files) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row(page, file.name).getByRole('button', { name: 'Download' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(file.name);
      expect(sha256(await readFile(await download.path()))).toBe(sha256(file.buffer));
    }
    for (const file of files) {
      await row(page, file.name).getByRole('button', { name: 'Delete' }).click();
      await row(page, file.name).waitFor({ state: 'detached' });
    }
    await page.close();
  }, 90_000);

  it('is refused by the store on an origin its CORS rules do not allow', async () => {
    const page = await newPage(refusedOrigin);
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('blocked by CORS policy')) blocked.push(message.text());
    });
    await register(page);
    await upload(page, [{ name: 'refused.png', mimeType: 'image/png', buffer: pngBytes(4096) }]);
    await page.locator('#log li', { hasText: 'upload failed: refused.png' }).first().waitFor();
    // The browser refused the store's answer (no Access-Control-Allow-Origin for this page), not the API.
    expect(blocked.some((text) => text.includes(process.env.S3_ENDPOINT ?? '') && text.includes(refusedOrigin))).toBe(true);
    await expect(row(page, 'refused.png').count()).resolves.toBe(0);
    await page.close();
  }, 60_000);

  it('works with Uppy 5 and its custom hooks: a single PUT and a multipart upload in 5 MiB parts', async () => {
    const { body } = await t.api.register({ email: `uppy5-${Date.now()}@example.com`, password: 'a long uppy password' }).expect(201);
    const page = await browser.context.newPage();
    await page.goto(`${uppy5Origin}/#token=${body.accessToken}`);
    const files = [
      { name: 'small.png', mimeType: 'image/png', buffer: pngBytes(64 * 1024) },
      { name: 'large.bin', mimeType: 'application/octet-stream', buffer: randomBytes(12 * MiB) },
    ];
    await page.locator('#files').setInputFiles(files);
    await page.locator('#result:not(:empty)').waitFor({ timeout: 45_000 });
    expect(JSON.parse((await page.locator('#result').textContent()) ?? '')).toEqual({ saved: ['large.bin', 'small.png'], failed: [] });
    const caller = t.api.as({ auth: { Authorization: `Bearer ${body.accessToken}` } });
    const listed = (await caller.listFiles().expect(200)).body.items;
    expect(listed.map((file) => [file.fileName, file.size]).sort()).toEqual([
      ['large.bin', 12 * MiB],
      ['small.png', 64 * 1024],
    ]);
    for (const file of listed) {
      const { url } = (await caller.downloadUrl(file.id).expect(200)).body;
      const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(sha256(bytes)).toBe(sha256(files.find((f) => f.name === file.fileName)?.buffer ?? Buffer.alloc(0)));
    }
    await page.close();
  }, 60_000);
});

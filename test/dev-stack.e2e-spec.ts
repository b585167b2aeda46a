import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from '@jest/globals';

import { findFreePort } from '../scripts/local-stack/free-port.js';
import { waitFor } from './support/faults/wait.js';

/** `npm run dev` as a user runs it: its own PostgreSQL, S3 server and API on free ports, data in a temporary folder. */
async function startDevStack(env: Record<string, string>) {
  const [api, postgres, s3, example] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/dev.ts'], {
    // Only what a shell would have: none of the harness's own DATABASE_URL, S3_* or JWT settings.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      PORT: String(api),
      DEV_POSTGRES_PORT: String(postgres),
      DEV_S3_PORT: String(s3),
      DEV_EXAMPLE_PORT: String(example),
      DEV_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    'npm run dev to serve',
    () => {
      if (child.exitCode !== null) throw new Error(`npm run dev exited (${child.exitCode}):\n${output}`);
      return output.includes('r2-files is running');
    },
    { timeoutMs: 120_000 },
  );
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { storeUrl: `http://127.0.0.1:${s3}`, exampleUrl: `http://127.0.0.1:${example}`, apiPort: api, output: () => output, stop };
}

/** Starting the whole dev stack (PostgreSQL initdb, emulator, build, Nest) takes a while on a busy 2-core machine. */
const DEV_STACK_TEST_TIMEOUT_MS = 150_000;

const dataDir = join(tmpdir(), `r2-files-dev-stack-${process.pid}-${Date.now()}`);

describe('npm run dev', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const preflight = (storeUrl: string, origin: string) =>
    fetch(`${storeUrl}/r2-files-dev/some-key.png`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    }).then((answer) => answer.status);

  it(
    'applies STORAGE_CORS_ORIGINS to its bucket, and only those origins',
    async () => {
      const dev = await startDevStack({ STORAGE_CORS_ORIGINS: 'http://127.0.0.1:5999' });
      try {
        await expect(preflight(dev.storeUrl, 'http://127.0.0.1:5999')).resolves.toBe(200);
        await expect(preflight(dev.storeUrl, 'http://localhost:5173')).resolves.toBe(403);
      } finally {
        await dev.stop();
      }
    },
    DEV_STACK_TEST_TIMEOUT_MS,
  );

  it(
    'by default allows its own API origin and common front-end dev servers, on localhost and 127.0.0.1',
    async () => {
      // Second start on the same data: the bucket's earlier rules are replaced, not kept.
      const dev = await startDevStack({});
      try {
        const origins = [3000, 3001, 4173, 5173, 8080, dev.apiPort].flatMap((port) => [
          `http://localhost:${port}`,
          `http://127.0.0.1:${port}`,
        ]);
        const statuses = await Promise.all(origins.map((origin) => preflight(dev.storeUrl, origin)));
        expect(Object.fromEntries(origins.map((origin, i) => [origin, statuses[i]]))).toEqual(
          Object.fromEntries(origins.map((o) => [o, 200])),
        );
        await expect(preflight(dev.storeUrl, 'http://127.0.0.1:5999')).resolves.toBe(403);
        expect(dev.output()).toContain('Bucket CORS origins (STORAGE_CORS_ORIGINS): http://localhost:3000 http://127.0.0.1:3000');
        // The browser example, built and served on its own origin, pointed at this API.
        const page = await fetch(dev.exampleUrl);
        expect([page.status, await page.text()]).toEqual([
          200,
          expect.stringContaining('<script type="module" src="dist/main.js"></script>'),
        ]);
        await expect(fetch(`${dev.exampleUrl}/config.json`).then((r) => r.json())).resolves.toEqual({
          apiUrl: `http://localhost:${dev.apiPort}`,
        });
        expect((await fetch(`${dev.exampleUrl}/dist/main.js`)).status).toBe(200);
      } finally {
        await dev.stop();
      }
    },
    DEV_STACK_TEST_TIMEOUT_MS,
  );
});

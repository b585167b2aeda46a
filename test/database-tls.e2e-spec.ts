import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import selfsigned from 'selfsigned';

import { type RunningPostgres, startEmbeddedPostgres } from '../scripts/local-stack/embedded-postgres.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Neon hands out URLs with `sslmode=require`. Against a local PostgreSQL started with TLS on (a
 * certificate made by the test), the app's connection from such a URL must be encrypted.
 */
describe('database over TLS (sslmode=require, as Neon gives it)', () => {
  const dir = join(tmpdir(), `r2-files-tls-${process.pid}-${Date.now()}`);
  let postgres: RunningPostgres;
  let t: TestApp;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const certFile = join(dir, 'server.crt');
    const keyFile = join(dir, 'server.key');
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    // As root, PostgreSQL runs as the `postgres` OS user, and refuses a key it does not own.
    if (process.getuid?.() === 0) {
      const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString().trim())) as [number, number];
      chownSync(keyFile, uid, gid);
    }
    postgres = await startEmbeddedPostgres({
      dataDir: join(dir, 'data'),
      database: 'tls_check',
      persistent: false,
      fast: true,
      settings: { ssl: 'on', ssl_cert_file: certFile, ssl_key_file: keyFile },
    });
    const url = new URL(postgres.url);
    url.hostname = 'localhost';
    // The test's own CA must be trusted explicitly; Neon's certificates are publicly trusted.
    url.search = `?sslmode=require&sslrootcert=${encodeURIComponent(certFile)}`;
    t = await createTestApp({ DATABASE_URL: url.toString() });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("encrypts the app's connection (pg_stat_ssl)", async () => {
    const [row] = await t.db.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(row).toEqual({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('reports the database ready over that connection', async () => {
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.details.database).toMatchObject({ status: 'up' });
  });

  it('the same server without sslmode is not encrypted (the check above can fail)', async () => {
    const plain = await createTestApp({ DATABASE_URL: postgres.url });
    try {
      const [row] = await plain.db.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(row).toEqual({ ssl: false });
    } finally {
      await plain.close();
    }
  });
});

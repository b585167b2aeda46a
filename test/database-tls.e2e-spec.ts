import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import selfsigned from 'selfsigned';

import { type RunningPostgres, startEmbeddedPostgres } from '../scripts/local-stack/embedded-postgres.js';
import { waitFor } from './support/faults/wait.js';
import { useTestApp, withTestApp } from './support/test-app.js';

/**
 * Neon hands out URLs with `sslmode=require`. Against a local PostgreSQL started with TLS on (a
 * certificate made by the test), the app's connection from such a URL must be encrypted.
 */
describe('database over TLS (sslmode=require, as Neon gives it)', () => {
  const dir = join(tmpdir(), `r2-files-tls-${process.pid}-${Date.now()}`);
  let postgres: RunningPostgres;
  let tlsUrl = '';

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
    tlsUrl = url.toString();
  }, 60_000);
  // Booted once the server above runs, closed before it stops (hooks run in declaration order).
  const t = useTestApp(() => ({ DATABASE_URL: tlsUrl }));
  afterAll(async () => {
    // pg-pool's end() resolves before its sockets have closed: stop the server once they have, or it
    // terminates them mid-close and the pool reports that as an error.
    if (postgres) await waitFor("the apps' connections to close", async () => (await otherConnections(postgres.url)) === 0);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("encrypts the app's connection (pg_stat_ssl)", async () => {
    const [row] = await t.db.query<{ ssl: boolean; version: string }[]>(
      'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    expect(row).toEqual({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('reports the database ready over that connection', async () => {
    const ready = await t.api.ready().expect(200);
    expect(ready.body.details.database).toMatchObject({ status: 'up' });
  });

  it('the same server without sslmode is not encrypted (the check above can fail)', async () => {
    await withTestApp({ DATABASE_URL: postgres.url }, async (plain) => {
      const [row] = await plain.db.query<{ ssl: boolean }[]>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(row).toEqual({ ssl: false });
    });
  });
});

/** Client connections to the server at `url` other than the one asking. */
async function otherConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

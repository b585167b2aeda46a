import { beforeAll, describe, expect, it } from '@jest/globals';

import type { ErrorResponseDto } from '../src/common/errors/error-response.dto.js';
import { unreadBytesOnPort } from './support/faults/process-tree.js';
import { ANSWER_DEADLINE_MS, expectUnavailable } from './support/faults/unavailable.js';
import { useFaultStack } from './support/faults/use-fault-stack.js';
import { settlesWithin, waitFor } from './support/faults/wait.js';
import { startServerProcess } from './support/server-process.js';
import { registerUser } from './support/test-app.js';
import { presignAndPut, uploadFile } from './support/uploads.js';

/**
 * Database outages — stopped, frozen (TCP open, no answer), connections terminated, statements
 * cancelled — answer 503 DATABASE_UNAVAILABLE with Retry-After within the configured bounds, write
 * nothing, and the same app serves again once the database is back.
 */
describe('database outages', () => {
  /** Small bounds so the suite stays quick: a hung database is answered within ~connect + query timeout. */
  const DB_BOUNDS = {
    DATABASE_CONNECT_TIMEOUT: '1000',
    DATABASE_STATEMENT_TIMEOUT: '500',
    DATABASE_QUERY_TIMEOUT: '1500',
    DATABASE_POOL_MAX: '3',
  };
  const { stack, t } = useFaultStack(DB_BOUNDS);
  let user: Awaited<ReturnType<typeof registerUser>>;
  let file: { id: number; objectKey: string };
  let pendingKey: string;

  const snapshot = async () => ({
    users: await stack.postgres.query('SELECT id, email FROM users ORDER BY id'),
    files: await stack.postgres.query('SELECT id, object_key, status, size FROM r2_files ORDER BY id'),
    keys: await stack.bucketKeys(),
  });
  const serving = () => waitFor('the API to serve again', async () => (await t.http.get('/files').set(user.auth)).status === 200);

  beforeAll(async () => {
    user = await registerUser(t);
    file = await uploadFile(t, user.auth, 'kept.txt', 'text/plain', 'kept');
    pendingKey = (await presignAndPut(t, user, { fileName: 'p.txt', contentType: 'text/plain' }, 'pending')).objectKey;
  }, 60_000);

  /** One request of each kind the API serves, built fresh for each outage. */
  const everyKindOfRequest = () =>
    [
      ['GET /files', t.http.get('/files').set(user.auth)],
      ['GET /files/:id', t.http.get(`/files/${file.id}`).set(user.auth)],
      ['POST /presign-upload', t.http.post('/presign-upload').set(user.auth).send({ fileName: 'x.txt', contentType: 'text/plain' })],
      ['POST /save-metadata', t.http.post('/save-metadata').set(user.auth).send({ objectKey: pendingKey })],
      [
        'POST /files/multipart',
        t.http
          .post('/files/multipart')
          .set(user.auth)
          .send({ fileName: 'big.bin', contentType: 'application/octet-stream', size: 6 * 1024 * 1024 }),
      ],
      ['POST /auth/login', t.http.post('/auth/login').send({ email: user.email, password: user.password })],
      [
        'POST /auth/register',
        t.http.post('/auth/register').send({ email: `new-${Date.now()}@example.com`, password: 'a long enough password' }),
      ],
    ] as const;

  it('stopped: every route answers 503 DATABASE_UNAVAILABLE with Retry-After, writes nothing, and serves again after restart', async () => {
    const before = await snapshot();
    await stack.postgres.stop();
    try {
      for (const [what, call] of everyKindOfRequest()) await expectUnavailable(what, call, 'DATABASE_UNAVAILABLE');
      const ready = await settlesWithin('readiness', Promise.resolve(t.http.get('/health/ready')), ANSWER_DEADLINE_MS);
      expect(ready.status).toBe(503);
      expect((ready.body as ErrorResponseDto<'NOT_READY'>).details?.details).toMatchObject({
        database: { status: 'down' },
        bucket: { status: 'up' },
      });
    } finally {
      await stack.postgres.start();
    }
    await serving();
    await t.http.get('/health/ready').expect(200);
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('frozen (connections open, no answer): answered 503 within the bound, even with every connection stuck; thaw recovers', async () => {
    const before = await snapshot();
    stack.postgres.freeze();
    try {
      // More requests at once than the pool has connections: some wait for a connection that never frees.
      const burst = Array.from({ length: Number(DB_BOUNDS.DATABASE_POOL_MAX) + 3 }, (_, i) =>
        expectUnavailable(`burst request ${i}`, t.http.get('/files').set(user.auth), 'DATABASE_UNAVAILABLE'),
      );
      await Promise.all(burst);
      for (const [what, call] of everyKindOfRequest()) await expectUnavailable(what, call, 'DATABASE_UNAVAILABLE');
      const ready = await settlesWithin('readiness', Promise.resolve(t.http.get('/health/ready')), ANSWER_DEADLINE_MS);
      expect(ready.status).toBe(503);
      expect((ready.body as ErrorResponseDto<'NOT_READY'>).details?.details.database?.status).toBe('down');
    } finally {
      stack.postgres.thaw();
    }
    await serving();
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('a statement cancelled by statement_timeout (57014) is a 503, and the next request succeeds', async () => {
    const blocker = stack.postgres.query('BEGIN; LOCK TABLE r2_files IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3); COMMIT;');
    await waitFor('the table lock to be held', async () => {
      const [row] = await stack.postgres.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'r2_files' AND l.mode = 'AccessExclusiveLock' AND l.granted`,
      );
      return row?.n === 1;
    });
    await expectUnavailable('GET /files behind a lock', t.http.get('/files').set(user.auth), 'DATABASE_UNAVAILABLE');
    await blocker;
    await t.http.get('/files').set(user.auth).expect(200);
  }, 60_000);

  it('connections terminated by the server (57P01) are dropped by the pool: requests succeed on fresh ones', async () => {
    await t.http.get('/files').set(user.auth).expect(200);
    const terminated = await stack.postgres.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'r2-files' AND pid <> pg_backend_pid()`,
    );
    expect(terminated.length).toBeGreaterThan(0);
    for (let i = 0; i < Number(DB_BOUNDS.DATABASE_POOL_MAX) + 1; i += 1) {
      const response = await t.http.get('/files').set(user.auth);
      // A connection may die between the pool's check and its use: then this one request is a 503, never a 500.
      expect([200, 503]).toContain(response.status);
    }
    await t.http.get('/files').set(user.auth).expect(200);
  }, 60_000);

  describe('as a process', () => {
    it('logs one concise warning per outage answer (no stack trace, no SQL) and exits within SHUTDOWN_TIMEOUT on SIGTERM while frozen', async () => {
      // A query timeout far beyond the test's deadline: only the shutdown deadline can end the wait below.
      const server = await startServerProcess({ ...stack.env, ...DB_BOUNDS, DATABASE_QUERY_TIMEOUT: '120000', SHUTDOWN_TIMEOUT: '2' });
      try {
        await stack.postgres.stop();
        const answer = await fetch(`${server.url}/files?limit=1`, { headers: { ...user.auth, 'X-Request-Id': 'db-down-1' } });
        expect(answer.status).toBe(503);
        await stack.postgres.start();
        await waitFor(
          'the process to serve again',
          async () => (await fetch(`${server.url}/files`, { headers: user.auth })).status === 200,
        );

        // Exactly one line for that request: the request log line, a warning naming what failed.
        const lines = server
          .output()
          .split('\n')
          .filter((line) => line.includes('db-down-1'));
        expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
          expect.objectContaining({
            level: 40,
            req: expect.objectContaining({ id: 'db-down-1' }),
            res: { statusCode: 503 },
            code: 'DATABASE_UNAVAILABLE',
            errno: 'ECONNREFUSED',
            reason: 'connection refused',
          }),
        ]);
        expect(lines.join('\n')).not.toMatch(/\n\s+at |"stack"|"err"|SELECT|r2_files/);

        // SIGTERM while a request waits on a frozen database: the pool cannot close while that
        // connection is checked out, yet the process exits at SHUTDOWN_TIMEOUT, with code 1.
        stack.postgres.freeze();
        const inFlight = fetch(`${server.url}/files`, { headers: user.auth }).then(
          (response) => response.status,
          () => 'connection closed',
        );
        await waitFor('a query to wait on the frozen database', () => unreadBytesOnPort(stack.postgres.port) > 0);
        server.child.kill('SIGTERM');
        const code = await settlesWithin('the process exit after SIGTERM', server.exited, ANSWER_DEADLINE_MS);
        expect(code).toBe(1);
        expect(server.output()).toContain('Shutdown deadline reached');
        await settlesWithin('the in-flight request', inFlight, ANSWER_DEADLINE_MS);
      } finally {
        stack.postgres.thaw();
        await server.kill();
      }
    }, 120_000);
  });
});

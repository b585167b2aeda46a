import http from 'node:http';

import { HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { type FaultStack, startFaultStack } from './support/faults/fault-stack.js';
import { descendantPids, processState } from './support/faults/process-tree.js';
import { isStillPendingAfter, settlesWithin, waitFor } from './support/faults/wait.js';
import { startServerProcess } from './support/server-process.js';
import { createTestApp } from './support/test-app.js';

/** The fault harness itself: each control does what it says, so fault tests can trust it. */
describe('fault harness', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  }, 60_000);

  /** An S3 client that makes exactly one attempt, so each call is one request through the proxy. */
  const s3 = (endpoint: string) =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: stack.store.credentials,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const codeOf = (error: unknown) => (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  /** A plain GET with no timeout of its own: it settles only when the server answers or resets. */
  const rawGet = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const request = http.get(url, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });

  describe('PostgreSQL', () => {
    it('stop refuses connections; start serves the same data on the same port', async () => {
      await stack.postgres.query('CREATE TABLE harness_probe (x int); INSERT INTO harness_probe VALUES (42)');
      await stack.postgres.stop();
      const refused = await stack.postgres.query('SELECT 1').then(
        () => null,
        (error: unknown) => codeOf(error),
      );
      expect(refused).toBe('ECONNREFUSED');
      await stack.postgres.start();
      expect(await stack.postgres.query('SELECT x FROM harness_probe')).toEqual([{ x: 42 }]);
    }, 60_000);

    it('freeze stops the postmaster and every backend: open and new connections hang; thaw answers both', async () => {
      const open = new pg.Client({ connectionString: stack.postgres.url });
      await open.connect();
      const fresh = new pg.Client({ connectionString: stack.postgres.url });
      try {
        stack.postgres.freeze();
        const postmaster = stack.postgres.postmasterPid() as number;
        const processes = [postmaster, ...descendantPids(postmaster)];
        expect(processes.length).toBeGreaterThan(2); // the postmaster, its helpers and our backend
        // Signals are delivered asynchronously: wait (bounded) until every process reports "stopped".
        await waitFor('every PostgreSQL process to be stopped', () => processes.every((pid) => processState(pid) === 'T'));

        const query = open.query('SELECT 1 AS one');
        const connecting = fresh.connect();
        expect(await isStillPendingAfter(query, 500)).toBe(true);
        expect(await isStillPendingAfter(connecting, 0)).toBe(true);

        stack.postgres.thaw();
        expect((await settlesWithin('the query after thaw', query, 15_000)).rows).toEqual([{ one: 1 }]);
        await settlesWithin('the connection after thaw', connecting, 15_000);
        expect((await fresh.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      } finally {
        stack.postgres.thaw();
        await Promise.all([open.end(), fresh.end().catch(() => undefined)]);
      }
    }, 60_000);
  });

  describe('S3 store', () => {
    it('stop refuses connections; start serves the same objects on the same port', async () => {
      await s3(stack.store.endpoint).send(new PutObjectCommand({ Bucket: stack.store.bucket, Key: 'kept.txt', Body: 'kept' }));
      await stack.store.stop();
      expect(await rawGet(stack.store.endpoint).then(String, codeOf)).toBe('ECONNREFUSED');
      await stack.store.start();
      expect(await stack.bucketKeys()).toContain('kept.txt');
    }, 60_000);

    it('freeze leaves a request unanswered; thaw answers it', async () => {
      stack.store.freeze();
      try {
        await waitFor('the emulator to be stopped', () => processState(stack.store.pid() as number) === 'T');
        const pending = rawGet(`${stack.store.endpoint}/${stack.store.bucket}`);
        expect(await isStillPendingAfter(pending, 500)).toBe(true);
        stack.store.thaw();
        expect(await settlesWithin('the store after thaw', pending, 15_000)).toBeGreaterThanOrEqual(200);
      } finally {
        stack.store.thaw();
      }
    }, 30_000);
  });

  describe('fault proxy', () => {
    const head = () => s3(stack.proxy.url).send(new HeadBucketCommand({ Bucket: stack.store.bucket }));

    it('passes requests through, signatures intact, and logs them with their S3 operation', async () => {
      stack.proxy.clearLog();
      await head();
      expect(stack.proxy.seen()).toEqual([
        expect.objectContaining({ method: 'HEAD', operation: 'HeadBucket', fault: 'none', status: 200 }),
      ]);
    });

    it('failNext answers the next n matching requests with the given status, then passes again', async () => {
      stack.proxy.clearLog();
      stack.proxy.failNext(2, 503, { operation: 'HeadBucket' });
      for (let i = 0; i < 2; i += 1) expect(await head().then(() => 200, statusOf)).toBe(503);
      await head();
      expect(stack.proxy.seen().map((r) => r.fault)).toEqual(['fail-503', 'fail-503', 'none']);
    });

    it('failNext(…, "reset") resets the connection without forwarding', async () => {
      stack.proxy.failNext(1, 'reset');
      const failure = await head().then(
        () => 'answered',
        (error: unknown) => (error as Error).name,
      );
      expect(failure).not.toBe('answered');
      const last = stack.proxy.seen().at(-1);
      expect(last?.fault).toBe('reset');
      expect(last?.status).toBeUndefined();
    });

    it('a fault applies only to requests its match selects', async () => {
      stack.proxy.clearLog();
      stack.proxy.failNext(1, 500, { operation: 'PutObject', path: /only-this/ });
      await s3(stack.proxy.url).send(new PutObjectCommand({ Bucket: stack.store.bucket, Key: 'not-this.txt', Body: 'x' }));
      await head();
      const failed = await s3(stack.proxy.url)
        .send(new PutObjectCommand({ Bucket: stack.store.bucket, Key: 'only-this.txt', Body: 'x' }))
        .then(() => 200, statusOf);
      expect(failed).toBe(500);
      expect(stack.proxy.seen().map((r) => [r.operation, r.fault])).toEqual([
        ['PutObject', 'none'],
        ['HeadBucket', 'none'],
        ['PutObject', 'fail-500'],
      ]);
      expect(await stack.bucketKeys()).not.toContain('only-this.txt');
    });

    it('dropAnswerNext lets the store apply the request and loses its answer', async () => {
      stack.proxy.dropAnswerNext(1, { operation: 'PutObject' });
      const outcome = await s3(stack.proxy.url)
        .send(new PutObjectCommand({ Bucket: stack.store.bucket, Key: 'applied-unanswered.txt', Body: 'x' }))
        .then(
          () => 'answered',
          () => 'no answer',
        );
      expect(outcome).toBe('no answer');
      expect(await stack.bucketKeys()).toContain('applied-unanswered.txt');
      expect(stack.proxy.seen({ operation: 'PutObject' }).at(-1)).toMatchObject({ fault: 'drop-answer', done: true });
    });

    it('delay holds matching requests, then forwards them; pass() removes it', async () => {
      stack.proxy.delay(800, { method: 'HEAD' });
      const delayed = head();
      expect(await isStillPendingAfter(delayed, 200)).toBe(true);
      await settlesWithin('the delayed request', delayed, 15_000);
      stack.proxy.pass();
      stack.proxy.clearLog();
      await head();
      expect(stack.proxy.seen()).toEqual([expect.objectContaining({ fault: 'none' })]);
    });
  });

  describe('the app on this stack', () => {
    it('in-process: createTestApp(stack.env) uses this database and this store, through the proxy', async () => {
      const t = await createTestApp(stack.env);
      try {
        stack.proxy.clearLog();
        await t.http.get('/health/ready').expect(200);
        expect(stack.proxy.seen({ operation: 'HeadBucket' })).toHaveLength(1);
        const email = `harness-${Date.now()}@example.com`;
        await t.http.post('/auth/register').send({ email, password: 'a long enough password' }).expect(201);
        expect(await stack.postgres.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])).toEqual([{ n: 1 }]);
      } finally {
        await t.close();
      }
    }, 60_000);

    it('as a process: startServerProcess(stack.env) serves, and kill() ends it', async () => {
      const server = await startServerProcess(stack.env);
      try {
        expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      } finally {
        expect(await server.kill('SIGKILL')).toBeNull();
      }
    }, 90_000);
  });
});

import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('answers liveness and readiness without a token', async () => {
      expect((await t.http.get('/health').expect(200)).body).toMatchObject({ status: 'ok' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, bucket: { status: 'up' } } });
    });

    it('is not ready (503, with the failing dependency) when the bucket is unreachable, yet still alive', async () => {
      const broken = await createTestApp({ S3_ENDPOINT: 'http://127.0.0.1:9', S3_PRESIGN_ENDPOINT: undefined });
      try {
        const ready = await broken.http.get('/health/ready').expect(503);
        expect(ready.body).toMatchObject({
          success: false,
          code: 'NOT_READY',
          details: { status: 'error', details: { database: { status: 'up' }, bucket: { status: 'down' } } },
        });
        await broken.http.get('/health').expect(200);
      } finally {
        await broken.close();
      }
    });
  });

  describe('database connections', () => {
    it('apply the configured statement timeout and name themselves', async () => {
      const [row] = await t.db.query(`SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS app`);
      expect(row).toEqual({ timeout: '5s', app: 'r2-files' });
    });
  });

  describe('HTTP hardening', () => {
    it('sends the helmet security headers', async () => {
      const response = await t.http.get('/health');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeDefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('allows browser calls from configured origins only', async () => {
      const allowed = await t.http.options('/files').set('Origin', 'http://localhost:5173').set('Access-Control-Request-Method', 'GET');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      const other = await t.http.options('/files').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('rate-limits login and register per client with 429 and Retry-After', async () => {
      const limited = await createTestApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60' });
      try {
        const body = { email: 'nobody@example.com', password: 'wrong password' };
        for (let i = 0; i < 3; i += 1) await limited.http.post('/auth/login').send(body).expect(401);
        const blocked = await limited.http.post('/auth/login').send(body).expect(429);
        expect(blocked.body).toMatchObject({ success: false, code: 'RATE_LIMITED', statusCode: 429 });
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });

  describe('as a process', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess();
    }, 90_000);
    afterAll(async () => {
      if (server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    });

    it('logs one JSON line per request with id, method, URL, status and latency, and no secrets', async () => {
      const email = `log-${Date.now()}@example.com`;
      const password = 'a secret password 123';
      const registered = await fetch(`${server.url}/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'trace-log-test-1' },
        body: JSON.stringify({ email, password }),
      });
      expect(registered.headers.get('x-request-id')).toBe('trace-log-test-1');
      const { accessToken } = (await registered.json()) as { accessToken: string };
      const presign = await fetch(`${server.url}/presign-upload`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ fileName: 'a.txt', contentType: 'text/plain' }),
      });
      const { presignedUrl } = (await presign.json()) as { presignedUrl: string };
      await new Promise((resolve) => setTimeout(resolve, 300));

      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const request = lines.find((line) => (line.req as { id?: string } | undefined)?.id === 'trace-log-test-1');
      expect(request).toMatchObject({
        req: { id: 'trace-log-test-1', method: 'POST', url: '/auth/register' },
        res: { statusCode: 201 },
        responseTime: expect.any(Number),
      });
      const everything = server.output();
      expect(everything).not.toContain(accessToken);
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(new URL(presignedUrl).searchParams.get('X-Amz-Signature'));
      expect(everything.toLowerCase()).not.toContain('bearer ');
    });

    it('on SIGTERM stops accepting, finishes the request in flight, then exits 0', async () => {
      const body = JSON.stringify({ email: `drain-${Date.now()}@example.com`, password: 'a long enough password' });
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // Headers and half the body: the request is in flight when the signal arrives.
      socket.write(
        `POST /auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      socket.write(body.slice(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));

      const refused = await fetch(`${server.url}/health`).then(
        () => 'accepted',
        () => 'refused',
      );
      expect(refused).toBe('refused');

      socket.write(body.slice(10));
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 201/);
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('Shutdown complete');
    });
  });
});

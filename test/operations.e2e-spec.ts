import { once } from 'node:events';
import { get } from 'node:http';
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { waitFor } from './support/faults/wait.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';
import { useTestApp, withTestApp } from './support/test-app.js';

describe('operations', () => {
  const t = useTestApp();

  describe('health', () => {
    it('answers liveness and readiness without a token', async () => {
      expect((await t.api.health().expect(200)).body).toMatchObject({ status: 'ok' });
      const ready = await t.api.ready().expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, bucket: { status: 'up' } } });
    });

    it('is not ready (503, with the failing dependency) when the bucket is unreachable, yet still alive', async () => {
      await withTestApp({ S3_ENDPOINT: 'http://127.0.0.1:9', S3_PRESIGN_ENDPOINT: undefined }, async (broken) => {
        const ready = await broken.api.ready().expect(503);
        expect(ready.body).toMatchObject({
          success: false,
          code: 'NOT_READY',
          details: { status: 'error', details: { database: { status: 'up' }, bucket: { status: 'down' } } },
        });
        await broken.api.health().expect(200);
      });
    });
  });

  describe('database connections', () => {
    it('apply the configured statement timeout and name themselves', async () => {
      const [row] = await t.db.query<{ timeout: string; app: string }[]>(
        `SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS app`,
      );
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
      await withTestApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60' }, async (limited) => {
        const credentials = { email: 'nobody@example.com', password: 'wrong password' };
        for (let i = 0; i < 3; i += 1) await limited.api.login(credentials).expect(401);
        const blocked = await limited.api.login(credentials).expect(429);
        expect(blocked.body).toMatchObject({ success: false, code: 'RATE_LIMITED', statusCode: 429 });
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      });
    });
  });

  describe('as a process', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess();
    }, 90_000);
    afterAll(() => server?.kill());

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
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, 'X-Request-Id': 'trace-log-test-2' },
        body: JSON.stringify({ fileName: 'a.txt', contentType: 'text/plain' }),
      });
      const { presignedUrl } = (await presign.json()) as { presignedUrl: string };

      const requestLines = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { req?: { id?: string } })
          .filter((line) => line.req?.id !== undefined);
      // Each request is logged once answered; wait until both lines are out.
      await waitFor(
        'both requests to be logged',
        () => requestLines().filter((line) => line.req?.id?.startsWith('trace-log-test-')).length === 2,
      );
      const request = requestLines().find((line) => line.req?.id === 'trace-log-test-1');
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
      const port = Number(new URL(server.url).port);
      /** Whether a new connection is served (a fresh socket each time: no keep-alive reuse). */
      const acceptsConnections = () =>
        new Promise<boolean>((resolve) => {
          const probe = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (response) => {
            response.resume();
            resolve(true);
          });
          probe.on('error', () => resolve(false));
        });
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const closed = once(socket, 'close');
      // Headers, then half the body once the server has read them (it answers "100 Continue"):
      // the request is in flight when the signal arrives.
      socket.write(
        `POST /auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      await waitFor('the server to read the request headers', () => answer.startsWith('HTTP/1.1 100 Continue'));
      socket.write(body.slice(0, 10));
      server.child.kill('SIGTERM');

      await waitFor('the server to refuse new connections', async () => !(await acceptsConnections()));

      socket.write(body.slice(10));
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201/);
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('Shutdown complete');
    });
  });
});

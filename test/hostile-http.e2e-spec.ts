import { connect, type Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ANSWER_DEADLINE_MS } from './support/faults/unavailable.js';
import { settlesWithin, waitFor } from './support/faults/wait.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

/**
 * What reaches the server before the app: malformed HTTP, bodies the JSON parser refuses, clients
 * too slow to finish their request. Every answer is the API's JSON error shape with a request id,
 * every such request is logged once, and slow clients are dropped while others are served.
 */
describe('hostile HTTP', () => {
  const LIMITS = { HTTP_HEADERS_TIMEOUT: '500', HTTP_REQUEST_TIMEOUT: '1000' };
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    server = await startServerProcess(LIMITS);
    port = Number(new URL(server.url).port);
  }, 90_000);
  afterAll(async () => {
    await server?.kill();
  });

  /** A raw connection: writes `chunks` (or keeps writing `trickle` every 100 ms) and collects all it gets until closed. */
  const raw = (first: string, trickle?: string) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = trickle ? setInterval(() => socket.writable && socket.write(trickle), 100) : undefined;
    const closed = new Promise<string>((resolve) =>
      socket.once('close', () => {
        clearInterval(timer);
        resolve(received);
      }),
    );
    socket.write(first);
    return { closed, socket };
  };
  /** The status, headers and JSON body of a raw HTTP answer. */
  const parse = (answer: string) => {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const [statusLine = '', ...headerLines] = head.split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
  };
  const logLinesFor = (requestId: string) =>
    server
      .output()
      .split('\n')
      .filter((line) => line.includes(`"${requestId}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  describe("Node's HTTP parser errors answer the JSON error shape with a request id", () => {
    it.each([
      ['a bad request line', 400, 'BAD_REQUEST', 'GARBAGE\r\n\r\n'],
      ['a NUL in a header value', 400, 'BAD_REQUEST', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n'],
      ['headers over 16 KB', 431, 'HEADERS_TOO_LARGE', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
      [
        'bad chunking',
        400,
        'BAD_REQUEST',
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n',
      ],
      [
        'Content-Length with Transfer-Encoding',
        400,
        'BAD_REQUEST',
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
    ])('%s → %i %s', async (_label, status, code, request) => {
      const answer = parse(await settlesWithin('the answer', raw(request).closed, ANSWER_DEADLINE_MS));
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ success: false, error: expect.any(String), code, statusCode: status, requestId: expect.any(String) });
      expect(answer.headers['x-request-id']).toBe(answer.body.requestId);
      await waitFor('its log line', () => logLinesFor(answer.body.requestId as string).length === 1);
      // A request line when Node had made a request of it (bad chunking), else the refusal's own line.
      const [line] = logLinesFor(answer.body.requestId as string);
      expect(line).toMatchObject({ code, clientError: expect.stringMatching(/^HPE_/) });
      expect(line?.statusCode ?? (line?.res as { statusCode?: number } | undefined)?.statusCode).toBe(status);
    });

    it("keeps the client's X-Request-Id when the parser got that far", async () => {
      const request = 'POST /auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad-chunks-7\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n';
      const answer = parse(await settlesWithin('the answer', raw(request).closed, ANSWER_DEADLINE_MS));
      expect(answer.body).toMatchObject({ code: 'BAD_REQUEST', requestId: 'bad-chunks-7' });
      expect(answer.headers['x-request-id']).toBe('bad-chunks-7');
    });
  });

  describe('bodies the JSON parser refuses', () => {
    it.each([
      ['not JSON', 400, 'INVALID_JSON', '{"email":'],
      ['over 16 KB', 413, 'PAYLOAD_TOO_LARGE', JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(20_000) })],
      ['nested 5,000 deep', 400, 'INVALID_JSON', `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}`],
    ])("%s → %i %s with the client's request id, in body and header, logged once", async (label, status, code, body) => {
      const requestId = `body-${label.replace(/\W/g, '')}`;
      const response = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
        body,
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('x-request-id')).toBe(requestId);
      expect(await response.json()).toMatchObject({ success: false, code, statusCode: status, requestId });
      await waitFor('its log line', () => logLinesFor(requestId).length > 0);
      expect(logLinesFor(requestId)).toEqual([
        expect.objectContaining({
          req: expect.objectContaining({ id: requestId, method: 'POST', url: '/auth/login' }),
          res: { statusCode: status },
          code,
        }),
      ]);
    });
  });

  describe('slow clients', () => {
    it('a client trickling its headers and one trickling its body are dropped with 408, while others are served', async () => {
      const slowHeaders = raw('GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
      const slowBody = raw(
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow-body-1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        ' ',
      );
      // Served meanwhile: the server is not held up by them.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);

      // They would trickle forever; the server ends them (within the test's deadline, far above the bounds).
      const headersAnswer = parse(await settlesWithin('the slow-headers client to be dropped', slowHeaders.closed, ANSWER_DEADLINE_MS));
      expect(headersAnswer).toMatchObject({ status: 408, body: { success: false, code: 'REQUEST_TIMEOUT', statusCode: 408 } });
      const bodyAnswer = parse(await settlesWithin('the slow-body client to be dropped', slowBody.closed, ANSWER_DEADLINE_MS));
      expect(bodyAnswer).toMatchObject({ status: 408, body: { code: 'REQUEST_TIMEOUT', requestId: 'slow-body-1' } });
      await waitFor('the slow body request to be logged', () => logLinesFor('slow-body-1').length > 0);
      expect(logLinesFor('slow-body-1')).toEqual([expect.objectContaining({ res: { statusCode: 408 }, code: 'REQUEST_TIMEOUT' })]);
    }, 60_000);
  });
});

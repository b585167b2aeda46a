import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';

import { ExpressHttpAdapter, isPlainFunction } from './express-http-adapter.js';

describe('ExpressHttpAdapter', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const serve = async (adapter: ExpressHttpAdapter): Promise<string> => {
    server = adapter.getHttpServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it("creates each request and response with Express's prototypes, so Express need not re-parent them", async () => {
    const adapter = new ExpressHttpAdapter();
    const app = adapter.getInstance<Express>();
    const seen: { request: object | null; response: object | null }[] = [];
    // Runs before Express's own request handling would re-parent the objects.
    adapter.initHttpServer({});
    (adapter.getHttpServer() as Server).prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      seen.push({ request: Object.getPrototypeOf(request) as object, response: Object.getPrototypeOf(response) as object });
    });
    app.get('/probe', (request, response) => {
      response.json({
        query: request.query,
        isIncomingMessage: request instanceof IncomingMessage,
        isServerResponse: response instanceof ServerResponse,
      });
    });

    const url = await serve(adapter);
    const answer = await fetch(`${url}/probe?a=1`);

    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ query: { a: '1' }, isIncomingMessage: true, isServerResponse: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.request).toBe(app.request);
    expect(seen[0]!.response).toBe(app.response);
  });

  it("leaves options it does not handle (here forceCloseConnections) to Nest's own server", async () => {
    const adapter = new ExpressHttpAdapter();
    const app = adapter.getInstance<Express>();
    adapter.initHttpServer({ forceCloseConnections: true });
    const seen: (object | null)[] = [];
    (adapter.getHttpServer() as Server).prependListener('request', (request: IncomingMessage) => {
      seen.push(Object.getPrototypeOf(request) as object);
    });
    app.get('/probe', (_request, response) => void response.json({ ok: true }));

    const answer = await fetch(`${await serve(adapter)}/probe`);

    expect(answer.status).toBe(200);
    expect(seen).toEqual([IncomingMessage.prototype]);
  });

  it("recognises Node's request and response constructors as plain functions, and classes as not", () => {
    expect(isPlainFunction(IncomingMessage)).toBe(true);
    expect(isPlainFunction(ServerResponse)).toBe(true);
    expect(isPlainFunction(class extends IncomingMessage {})).toBe(false);
    expect(isPlainFunction({})).toBe(false);
  });
});

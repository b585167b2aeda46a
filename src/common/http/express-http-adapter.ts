import { createServer, IncomingMessage, ServerResponse } from 'node:http';

import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, with one change: the HTTP server creates each request and response as
 * Express's own objects from the start. Express 5 otherwise re-parents both on every request
 * (`Object.setPrototypeOf(req, app.request)`), and V8 then keeps about a third of what a request
 * allocates alive through the next young-generation collections: pauses of ~10 ms where they took
 * ~1, and every few seconds a mark-compact — the tail latency of every route (measured with
 * `--trace-gc-nvp`, issue 12; docs/adr/0012). Given objects that already have Express's
 * prototypes, Express's `setPrototypeOf` changes nothing. Everything else is Nest's adapter; with
 * options this app does not use (HTTPS, connection tracking), Nest's own server.
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    this.httpServer = createServer(
      {
        IncomingMessage: constructingWith(IncomingMessage, app.request) as typeof IncomingMessage,
        ServerResponse: constructingWith(ServerResponse, app.response) as typeof ServerResponse,
      },
      app,
    );
  }
}

/**
 * A constructor of `base` objects whose prototype is `prototype` (which derives from
 * `base.prototype`). ES5 style, as Node's own IncomingMessage and ServerResponse are: `new` makes
 * the object with `prototype`, then `base` initialises it. (`Reflect.construct(base, args, this
 * constructor)` does the same, but V8 derives a map on each call: ~50 us per object, measured.)
 */
function constructingWith(base: unknown, prototype: object): unknown {
  const initialise = base as (this: object, first: unknown, second: unknown) => void;
  function Constructor(this: object, first: unknown, second: unknown): void {
    initialise.call(this, first, second);
  }
  Constructor.prototype = prototype;
  return Constructor;
}

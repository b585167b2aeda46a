import { createServer, IncomingMessage, ServerResponse } from 'node:http';

import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, with one change: the HTTP server creates each request and response as
 * Express's own objects from the start. Express 5 otherwise re-parents both on every request
 * (`Object.setPrototypeOf(req, app.request)`), which V8 pays for in every route: about a third of
 * the CPU of `GET /health`, and a third of each request's allocations kept alive through the next
 * young-generation collection (longer pauses, frequent mark-compacts: the tail latency). Measured
 * with `npm run bench` and `--trace-gc-nvp`, issue 12; docs/adr/0012. Given objects that already
 * have Express's prototypes, Express's `setPrototypeOf` changes nothing. Everything else is Nest's
 * adapter; with options this app does not use (HTTPS, connection tracking), or should Node's
 * constructors ever become classes, Nest's own server.
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    const unhandled = options.httpsOptions || options.forceCloseConnections || options.return503OnClosing;
    if (unhandled || !isPlainFunction(IncomingMessage) || !isPlainFunction(ServerResponse)) {
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

/** Whether `constructor` can initialise an object made by another constructor (`class` constructors cannot be called). */
export function isPlainFunction(constructor: unknown): boolean {
  return typeof constructor === 'function' && !Function.prototype.toString.call(constructor).startsWith('class');
}

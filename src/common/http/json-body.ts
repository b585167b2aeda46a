import type { IncomingMessage } from 'node:http';

import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** JSON bodies are metadata only (the file bytes go straight to the store): keep them small. */
export const JSON_BODY_LIMIT = '16kb';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The deepest nesting of arrays and objects a JSON body may have. The API's bodies nest three
 * levels at most; a body nested thousands deep (a few kilobytes of `[[[[`) would otherwise reach
 * the recursive validators and transformers and exhaust the stack.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of `[` and `{` in a JSON text (outside strings), without parsing it: one
 * pass over the characters, so it is safe on any input. For UTF-8 bytes or a decoded string.
 */
export function jsonNestingDepth(text: Uint8Array | string): number {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i] as number;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) deepest = Math.max(deepest, ++depth);
    else if (CLOSE.has(c)) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** body-parser's `verify` hook: runs on the raw body before JSON.parse. Its error keeps our status and type. */
function refuseDeepJson(_request: IncomingMessage, _response: unknown, body: Buffer, encoding: string | null): void {
  const utf8 = !encoding || /^utf-?8$/i.test(encoding);
  const depth = jsonNestingDepth(utf8 ? body : new TextDecoder(encoding).decode(body));
  if (depth > MAX_JSON_DEPTH) {
    throw Object.assign(new Error(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`), {
      status: 400,
      type: 'entity.too.deep',
    });
  }
}

/**
 * Parses JSON bodies. A module middleware rather than an app-level one, so it runs after the
 * request logger has given the request its id: a body that is not JSON, too large or too deep is
 * answered and logged with the request id like any other error.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler = express.json({
    limit: JSON_BODY_LIMIT,
    verify: refuseDeepJson,
    // Only methods that carry a body parse one: a GET or DELETE ignores any body it is sent rather
    // than answering 400/413/415 about it (the OpenAPI document lists those on body routes only).
    type: (request: IncomingMessage) => BODY_METHODS.has(request.method ?? '') && Boolean((request as Request).is('application/json')),
  });

  use(request: Request, response: Response, next: NextFunction): void {
    void this.parse(request, response, next);
  }
}

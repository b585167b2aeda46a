import { randomUUID } from 'node:crypto';
import { type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { LoggerService } from '@nestjs/common';

import { addRequestLogFields } from '../../logging/request-log.js';
import type { ErrorCode } from '../errors/error-codes.js';
import type { ErrorResponseDto } from '../errors/error-response.dto.js';

export interface HttpServerLimits {
  /** Time a client gets to send the request line and headers. */
  headersTimeoutMs: number;
  /** Time a client gets to send the whole request, body included. */
  requestTimeoutMs: number;
  /** Time an idle keep-alive connection is kept open between requests. */
  keepAliveTimeoutMs: number;
}

/** The longest Node waits between two checks of the header and request timeouts (its default is 30 s). */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1000;
const REQUEST_ID_IN_RAW_HEADERS = /\r\nx-request-id:[ \t]*([A-Za-z0-9._:-]{1,128})[ \t]*\r\n/i;

/**
 * What happens before the app sees a request: slow clients are cut off (a client trickling its
 * headers or body would hold a connection for Node's 300 s default), and requests Node's HTTP parser
 * refuses (bad request line, oversized headers, bad chunking…) or that time out are answered in the
 * API's JSON error shape with a request id, instead of Node's bare text — wherever the socket can
 * still take an answer. One log line each.
 */
export function configureHttpServer(server: Server, limits: HttpServerLimits, logger: LoggerService): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node enforces the two timeouts by checking every `connectionsCheckingInterval` ms (read when
  // the server starts listening): check often enough that the bounds above are the real ones.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    MAX_TIMEOUT_CHECK_INTERVAL_MS,
    limits.headersTimeoutMs,
  );
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) =>
    answerClientError(error, socket, logger),
  );
}

function answerClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex, logger: LoggerService): void {
  // The response Node already created for this connection, if the request got that far (a late body).
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
  // Nobody to answer (the client left), or an answer already started: just close.
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, message } = describe(error);

  if (inFlight) {
    // Answer through the request's own response: it keeps its request id and is logged as itself.
    const id = (inFlight.req as { id?: unknown } | undefined)?.id;
    const requestId = typeof id === 'string' ? id : randomUUID();
    addRequestLogFields(inFlight, { code, clientError: error.code });
    const body = JSON.stringify(errorBody(status, code, message, requestId));
    inFlight.once('finish', () => socket.destroy());
    inFlight.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Request-Id': requestId,
      Connection: 'close',
    });
    inFlight.end(body);
    return;
  }

  // No request object exists: write the answer on the socket, like Node's own handler does.
  const requestId = REQUEST_ID_IN_RAW_HEADERS.exec(error.rawPacket?.toString('latin1') ?? '')?.[1] ?? randomUUID();
  const body = JSON.stringify(errorBody(status, code, message, requestId));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Not a request line (no request object exists): its own fields rather than pino-http's req/res.
  // A client error, so info like other 4xx lines. The message goes in `msg`: the Nest logger would
  // take a second argument for the context.
  logger.log({ msg: 'Refused a malformed or late request', requestId, statusCode: status, code, clientError: error.code });
}

function describe(error: NodeJS.ErrnoException): { status: number; code: ErrorCode; message: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP' };
  }
}

function errorBody(status: number, code: ErrorCode, message: string, requestId: string): ErrorResponseDto {
  return { success: false, error: message, code, statusCode: status, requestId };
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import { type AppConfig, appConfig } from '../config/configuration.js';
import { requestLogFields } from './request-log.js';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a caller's `X-Request-Id` when it is sane, otherwise makes one; always echoes it back. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Structured JSON logs (pino), one line per request with its id, method, URL, status and latency,
 * and for failures the error code (plus SQLSTATE/errno/reason for an outage). A 503 (a dependency
 * is out) is a warning, other 5xx errors. The line carries no stack trace: unexpected errors are
 * logged once with theirs by the exception filter, and pino-http's own "failed with status code"
 * error says nothing the status does not. Credentials never reach the log: authorization and
 * cookie headers are redacted.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: assignRequestId,
          customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) => {
            if (response.statusCode === 503) return 'warn';
            return error || response.statusCode >= 500 ? 'error' : 'info';
          },
          customSuccessObject: (_request: IncomingMessage, response: ServerResponse, value: Record<string, unknown>) => ({
            ...value,
            ...requestLogFields(response),
          }),
          customErrorObject: (_request: IncomingMessage, response: ServerResponse, _error: Error, value: Record<string, unknown>) => {
            const { err: _err, ...rest } = value;
            return { ...rest, ...requestLogFields(response) };
          },
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password'],
            censor: '[redacted]',
          },
          // The serializers get the raw request and response: pino's standard ones, which they would
          // otherwise wrap, copy every header, the parsed query and the peer address on every request
          // only for these three fields to be kept. Same output (originalUrl: Express's full URL).
          wrapSerializers: false,
          serializers: {
            req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
              id: req.id,
              method: req.method,
              url: req.originalUrl ?? req.url,
            }),
            res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
          },
          transport: config.nodeEnv === 'development' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

import { databaseOutage } from '../../database/database-unavailable.js';
import { addRequestLogFields } from '../../logging/request-log.js';
import { MAX_JSON_DEPTH } from '../http/json-body.js';
import { AppError } from './app-error.js';
import { codeForStatus, type ErrorCode, RETRY_AFTER_SECONDS } from './error-codes.js';
import type { ErrorResponseDto } from './error-response.dto.js';
import { describeStoreFailure } from './outage.js';

interface ResolvedError {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorResponseDto['details'];
  /** What the request's log line should say about the failure, beyond its code. */
  logFields?: Record<string, unknown>;
}

/**
 * The one exception filter: every failure leaves the API in the same shape. Client mistakes
 * (including body-parser failures) become 4xx with a code; an unavailable dependency (database,
 * store) is a 503 with `Retry-After`, and what failed goes on the request's one log line (a
 * warning: no stack trace, no SQL); anything unexpected is logged with its stack and answered with
 * a 500 that reveals nothing internal.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string | number }>();
    const response = http.getResponse<Response>();
    const requestId = String(request.id ?? '');
    const resolved = this.resolve(exception);
    addRequestLogFields(response, { code: resolved.code, ...resolved.logFields });

    if (resolved.status >= 500 && resolved.code === 'INTERNAL_ERROR') {
      this.logger.error({ err: exception, requestId }, 'Unhandled error');
    }

    const body: ErrorResponseDto = {
      success: false,
      error: resolved.message,
      code: resolved.code,
      statusCode: resolved.status,
      ...(resolved.details === undefined ? {} : { details: resolved.details }),
      requestId,
    };
    if (response.headersSent) return;
    const retryAfter = RETRY_AFTER_SECONDS[resolved.code];
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(resolved.status).json(body);
    // pino-http writes each request's log line, but a request refused by the router before its
    // middleware ran (an undecodable path) never met it: write that line here, in the same shape.
    if (!('log' in response)) {
      this.logger.log({
        msg: 'request failed before routing',
        req: { id: requestId, method: request.method, url: request.originalUrl },
        res: { statusCode: resolved.status },
        code: resolved.code,
      });
    }
  }

  private resolve(exception: unknown): ResolvedError {
    if (exception instanceof AppError) {
      const { status, code, message, details, cause } = exception as AppError; // `instanceof` alone narrows to AppError<any>
      const logFields = code === 'STORAGE_UNAVAILABLE' ? { reason: describeStoreFailure(cause) } : undefined;
      return { status, code, message, details, logFields };
    }
    const outage = databaseOutage(exception);
    if (outage) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'DATABASE_UNAVAILABLE',
        message: 'The database is unavailable; try again shortly',
        logFields: { ...outage },
      };
    }
    // Express wraps body-parser failures in an HttpException; the original error is its cause.
    const bodyParserError = asBodyParserError(exception instanceof HttpException ? exception.cause : exception);
    if (bodyParserError) return bodyParserError;
    const routingError = asRoutingError(exception);
    if (routingError) return routingError;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, code: codeForStatus(status), message: httpExceptionMessage(exception) };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The router's own client errors: a path whose percent-encoding is not UTF-8 (`%ED%A0%80`, `%FF`)
 * cannot be decoded into route parameters, and it throws a URIError marked 400.
 */
function asRoutingError(exception: unknown): ResolvedError | undefined {
  if (exception instanceof URIError && (exception as { status?: unknown }).status === 400) {
    return { status: 400, code: 'BAD_REQUEST', message: 'The URL path is not valid percent-encoded UTF-8' };
  }
  return undefined;
}

/** body-parser signals its failures with a `type` and a client status; they never reach a controller. */
function asBodyParserError(exception: unknown): ResolvedError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (exception instanceof SyntaxError && status === 400) {
    return { status: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' };
  }
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' };
    case 'entity.too.deep':
      return {
        status: 400,
        code: 'INVALID_JSON',
        message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
      };
    case 'entity.too.large':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body encoding is not supported' };
    default:
      return { status, code: codeForStatus(status), message: 'The request body could not be read' };
  }
}

import { DECORATORS } from '@nestjs/swagger';

import type { ErrorCode } from '../errors/error-codes.js';

/** Where `@ApiErrors` leaves a route's codes for src/openapi, which turns them into responses. */
export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * Declares the error codes a route answers because of what it does (its domain codes, and
 * DATABASE_UNAVAILABLE / STORAGE_UNAVAILABLE when it calls them). The OpenAPI document gets one
 * response per status, whose body is one of the codes' schemas (with typed `details`) and an
 * example of each. Codes every route of a kind answers are added by src/openapi, not listed
 * here: see GUARD_ERRORS, JSON_BODY_ERRORS, QUERY_ERRORS and EVERY_ROUTE_ERRORS below.
 * Several `@ApiErrors` on one route add up.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, handler) ?? {}) as Record<string, unknown>;
    const declared = (extensions[ERROR_CODES_EXTENSION] ?? []) as ErrorCode[];
    Reflect.defineMetadata(DECORATORS.API_EXTENSION, { ...extensions, [ERROR_CODES_EXTENSION]: [...declared, ...codes] }, handler);
  };
}

/** Every route not `@Public()`: the global guard's answers to a missing, expired or invalid token. */
export const GUARD_ERRORS: ErrorCode[] = ['AUTH_REQUIRED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'];

/**
 * Every route with a JSON body (POST, PUT, PATCH: the only methods whose body is parsed, see
 * app.setup.ts): the body parser's answers and the whitelisting validation pipe's. (The parser's
 * other 400s come only from connections cut mid-body, which receive no answer.)
 */
export const JSON_BODY_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** Every route with query parameters: its query DTO refuses invalid and unknown ones. */
export const QUERY_ERRORS: ErrorCode[] = ['VALIDATION_FAILED'];

/**
 * Every route with path parameters: the global SafeStringsPipe refuses NUL and unpaired surrogates
 * in them, and the router a path whose percent-encoding is not UTF-8 (`%FF`).
 */
export const PATH_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'BAD_REQUEST'];

/** Every route: the exception filter's answer to a bug. */
export const EVERY_ROUTE_ERRORS: ErrorCode[] = ['INTERNAL_ERROR'];

/** What confirming an upload can answer (save-metadata and multipart complete): the upload's state and its verification. */
export const CONFIRM_ERRORS: ErrorCode[] = [
  'UPLOAD_NOT_FOUND',
  'OBJECT_NOT_UPLOADED',
  'UPLOAD_EXPIRED',
  'UPLOAD_REJECTED',
  'FILE_TOO_LARGE',
  'SIZE_MISMATCH',
  'CONTENT_TYPE_MISMATCH',
  'FILE_SIGNATURE_MISMATCH',
  'STORAGE_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
];

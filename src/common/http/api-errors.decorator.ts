import { ApiExtension } from '@nestjs/swagger';

import type { ErrorCode } from '../errors/error-codes.js';

/** Where `@ApiErrors` leaves a route's codes for src/openapi, which turns them into responses. */
export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * Declares the error codes a route answers. The OpenAPI document gets one response per status,
 * whose body is one of the codes' schemas (each with its typed `details`) with an example of each.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  return ApiExtension(ERROR_CODES_EXTENSION, codes);
}

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
];

/** What any guarded route can answer: a missing, expired or invalid token. */
export const AUTH_ERRORS: ErrorCode[] = ['AUTH_REQUIRED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'];

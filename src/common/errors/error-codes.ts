import { HttpStatus } from '@nestjs/common';

/**
 * Every machine-readable error code the API answers with, and its HTTP status.
 * Clients switch on `code`; the human sentence in `error` may change between versions.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  INVALID_JSON: HttpStatus.BAD_REQUEST,
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  INVALID_CURSOR: HttpStatus.BAD_REQUEST,
  AUTH_REQUIRED: HttpStatus.UNAUTHORIZED,
  TOKEN_INVALID: HttpStatus.UNAUTHORIZED,
  TOKEN_EXPIRED: HttpStatus.UNAUTHORIZED,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  OPERATION_NOT_SIGNED: HttpStatus.FORBIDDEN,
  ROUTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  UPLOAD_NOT_FOUND: HttpStatus.NOT_FOUND,
  UPLOAD_EXPIRED: HttpStatus.GONE,
  FILE_NOT_FOUND: HttpStatus.NOT_FOUND,
  METHOD_NOT_ALLOWED: HttpStatus.METHOD_NOT_ALLOWED,
  REQUEST_TIMEOUT: HttpStatus.REQUEST_TIMEOUT,
  EMAIL_TAKEN: HttpStatus.CONFLICT,
  OBJECT_NOT_UPLOADED: HttpStatus.CONFLICT,
  INVALID_PARTS: HttpStatus.CONFLICT,
  UPLOAD_CONFIRMED: HttpStatus.CONFLICT,
  UPLOAD_REJECTED: HttpStatus.UNPROCESSABLE_ENTITY,
  SIZE_MISMATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  CONTENT_TYPE_MISMATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  FILE_SIGNATURE_MISMATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  FILE_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  CONTENT_TYPE_NOT_ALLOWED: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  // 431 Request Header Fields Too Large: Nest's HttpStatus has no member for it.
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  TOO_MANY_PENDING_UPLOADS: HttpStatus.TOO_MANY_REQUESTS,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
  STORAGE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  NOT_READY: HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<string, HttpStatus | 431>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * `Retry-After` (seconds) of the answers that say "a dependency is out, try again": long enough for
 * a restarting database or a waking Neon compute, short enough not to keep a client waiting.
 */
export const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  DATABASE_UNAVAILABLE: 5,
  STORAGE_UNAVAILABLE: 5,
};

/** The code used when a framework exception (not an `AppError`) carries only a status. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_REQUEST',
  [HttpStatus.UNAUTHORIZED]: 'AUTH_REQUIRED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'ROUTE_NOT_FOUND',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'METHOD_NOT_ALLOWED',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'UNSUPPORTED_MEDIA_TYPE',
  [HttpStatus.TOO_MANY_REQUESTS]: 'RATE_LIMITED',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'STORAGE_UNAVAILABLE',
};

export function codeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/**
 * A domain error: services throw it with a code, the exception filter turns it into the
 * API's error shape with the status the code maps to.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

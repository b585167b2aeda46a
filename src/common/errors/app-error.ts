import { ERROR_STATUS, type ErrorCode } from './error-codes.js';
import type { ErrorDetails, ErrorDetailsArgs } from './error-details.js';

/**
 * A domain error: services throw it with a code, the exception filter turns it into the
 * API's error shape with the status the code maps to. `details` is typed by the code
 * (error-details.ts): required where the code has details, refused where it has none.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly details: ErrorDetails<C> | undefined;

  constructor(
    readonly code: C,
    message: string,
    ...[details]: ErrorDetailsArgs<C>
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
    this.details = details as ErrorDetails<C> | undefined;
  }
}

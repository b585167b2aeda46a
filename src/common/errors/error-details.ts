import type { ErrorCode } from './error-codes.js';
import {
  ContentTypeNotAllowedDetailsDto,
  FieldErrorDto,
  FileTooLargeDetailsDto,
  HealthReportDto,
  InvalidPartsDetailsDto,
} from './error-response.dto.js';

interface DetailsShape {
  /** The DTO class documenting the details (one object, or each item when `list`). */
  type: abstract new () => object;
  /** `details` is a list of `type`. */
  list?: true;
  /** Some answers with this code carry no details. */
  optional?: true;
}

/**
 * The `details` of each code that has them; every other code answers without `details`. This
 * one table types `new AppError(code, message, details)` and writes the OpenAPI schemas, so an
 * answer cannot carry details of another shape than its documentation. A new code with details
 * goes here, with a DTO class in error-response.dto.ts.
 */
export const ERROR_DETAILS = {
  VALIDATION_FAILED: { type: FieldErrorDto, list: true },
  INVALID_CURSOR: { type: FieldErrorDto, list: true },
  FILE_TOO_LARGE: { type: FileTooLargeDetailsDto },
  CONTENT_TYPE_NOT_ALLOWED: { type: ContentTypeNotAllowedDetailsDto },
  INVALID_PARTS: { type: InvalidPartsDetailsDto, optional: true },
  NOT_READY: { type: HealthReportDto },
} as const satisfies { [C in ErrorCode]?: DetailsShape };

type Table = typeof ERROR_DETAILS;

/** The type of `details` for `code` (`never` for codes without details). */
export type ErrorDetails<C extends ErrorCode> = C extends keyof Table
  ? Table[C] extends { list: true }
    ? InstanceType<Table[C]['type']>[]
    : InstanceType<Table[C]['type']>
  : never;

/** The `details` argument `new AppError(code, …)` takes: required, optional, or none at all. */
export type ErrorDetailsArgs<C extends ErrorCode> = C extends keyof Table
  ? Table[C] extends { optional: true }
    ? [details?: ErrorDetails<C>]
    : [details: ErrorDetails<C>]
  : [];

export function detailsShape(code: ErrorCode): DetailsShape | undefined {
  return (ERROR_DETAILS as Partial<Record<ErrorCode, DetailsShape>>)[code];
}

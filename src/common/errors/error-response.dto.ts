import { ApiExtraModels, ApiProperty, type ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';

import type { ErrorCode } from './error-codes.js';
import type { ErrorDetails } from './error-details.js';

/**
 * The body of every error answer: the seed's `{success: false, error}` plus a code, the status and
 * the request id. `details` has one shape per code (see error-details.ts); the OpenAPI document
 * has one schema per code, so a typed client narrows `details` by switching on `code`.
 */
export interface ErrorResponseDto<C extends ErrorCode = ErrorCode> {
  success: false;
  error: string;
  code: C;
  statusCode: number;
  details?: ErrorDetails<C>;
  requestId: string;
}

/** One offending field of a VALIDATION_FAILED answer. */
export class FieldErrorDto {
  /**
   * Dotted path of the offending field, e.g. `fileName` or `parts.0.etag`.
   * @example "fileName"
   */
  field!: string;
  /**
   * What is wrong with it.
   * @example ["fileName must not contain control or bidirectional-override characters"]
   */
  problems!: string[];
}

/** The details of FILE_TOO_LARGE. */
export class FileTooLargeDetailsDto {
  /**
   * The file's size in bytes: as declared at presign, or as stored at confirm.
   * @example 209715200
   */
  @ApiProperty({ type: 'integer' })
  size!: number;
  /**
   * The largest size this route accepts, in bytes (UPLOAD_MAX_SIZE; at most 5 GiB for a single PUT).
   * @example 104857600
   */
  @ApiProperty({ type: 'integer' })
  maxSize!: number;
}

/** The details of CONTENT_TYPE_NOT_ALLOWED. */
export class ContentTypeNotAllowedDetailsDto {
  /**
   * The allowed media types (UPLOAD_ALLOWED_TYPES); `type/*` allows every subtype.
   * @example ["image/*", "application/pdf"]
   */
  allowedTypes!: string[];
}

/** The details of INVALID_PARTS when the API could compare the parts with the store's (absent when the store refused the list itself). */
export class InvalidPartsDetailsDto {
  /**
   * Part numbers the store does not hold: upload them.
   * @example [3]
   */
  @ApiProperty({ type: 'integer', isArray: true })
  missing!: number[];
  /**
   * Part numbers whose ETag or size differs from the stored part: upload them again.
   * @example [7]
   */
  @ApiProperty({ type: 'integer', isArray: true })
  mismatched!: number[];
}

/** One dependency in a health report; indicators may add fields (e.g. `bucket`, `message`). */
export class DependencyStatusDto {
  /** @example "up" */
  status!: 'up' | 'down';
  /**
   * Why a dependency is down.
   * @example "timeout of 2000ms exceeded"
   */
  message?: string;
}

const dependencyMap = (selfRequired: boolean): ApiPropertyOptions => ({
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(DependencyStatusDto) },
  selfRequired,
});

/** A readiness report (@nestjs/terminus's shape): the body of GET /health and /health/ready, and the details of NOT_READY. */
@ApiExtraModels(DependencyStatusDto)
export class HealthReportDto {
  /** `ok` when every check passed, `error` otherwise. */
  status!: 'ok' | 'error';
  /** The checks that passed, by name (`database`, `bucket`). */
  @ApiProperty(dependencyMap(false))
  info?: Record<string, DependencyStatusDto>;
  /** The checks that failed, by name. */
  @ApiProperty(dependencyMap(false))
  error?: Record<string, DependencyStatusDto>;
  /** Every check, by name. */
  @ApiProperty(dependencyMap(true))
  details!: Record<string, DependencyStatusDto>;
}

import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes.js';
import { ErrorResponseDto } from '../errors/error-response.dto.js';

/**
 * Documents the error answers of a route, grouped by status, each listing its possible codes.
 * Any explicit response hides the CLI plugin's inferred success response, so routes that use this
 * also declare their success response (`@ApiOkResponse`/`@ApiCreatedResponse`).
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, statusCodes]) =>
        ApiResponse({ status, type: ErrorResponseDto, description: `Error codes: ${statusCodes.join(', ')}` }),
      ),
  );
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

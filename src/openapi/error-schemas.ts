import { getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';

import { ERROR_STATUS, type ErrorCode } from '../common/errors/error-codes.js';
import { detailsShape, ERROR_DETAILS } from '../common/errors/error-details.js';
import { ERROR_CATALOG } from './error-catalog.js';

/** The DTO classes `details` refers to: the document must carry their schemas. */
export const ERROR_DETAILS_MODELS = Object.values(ERROR_DETAILS).map((shape) => shape.type);

/** `VALIDATION_FAILED` → `ValidationFailedError` (`INTERNAL_ERROR` → `InternalError`): the schema, and generated type, of that code's answers. */
export function errorSchemaName(code: ErrorCode): string {
  const name = code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return name.endsWith('Error') ? name : `${name}Error`;
}

export function errorSchemaRef(code: ErrorCode): ReferenceObject {
  return { $ref: `#/components/schemas/${errorSchemaName(code)}` };
}

/**
 * One code's answer: the common error shape with `code` and `statusCode` fixed to that code's
 * values and `details` of that code's shape (or none). The codes are disjoint, so a response
 * that may answer several codes is a `oneOf` of these, discriminated by `code`.
 */
export function errorSchema(code: ErrorCode): SchemaObject {
  const shape = detailsShape(code);
  const details: SchemaObject | ReferenceObject | undefined = shape
    ? shape.list
      ? { type: 'array', items: { $ref: getSchemaPath(shape.type) } }
      : { $ref: getSchemaPath(shape.type) }
    : undefined;
  return {
    type: 'object',
    description: ERROR_CATALOG[code].meaning,
    properties: {
      success: { type: 'boolean', enum: [false], description: 'Always false for errors (the seed guide’s shape).' },
      error: { type: 'string', description: 'A human sentence saying what went wrong (may change: switch on `code`).' },
      code: { type: 'string', enum: [code] },
      statusCode: { type: 'integer', enum: [ERROR_STATUS[code]], description: 'The HTTP status, repeated in the body.' },
      ...(details ? { details } : {}),
      requestId: {
        type: 'string',
        minLength: 1,
        description: 'Id of the request (also the `X-Request-Id` header); quote it when reporting a problem.',
      },
    },
    required: ['success', 'error', 'code', 'statusCode', ...(shape && !shape.optional ? ['details'] : []), 'requestId'],
    additionalProperties: false,
  };
}

/** A body of `code` with the catalog's example sentence and details. */
export function errorExample(code: ErrorCode): Record<string, unknown> {
  const { example, details } = ERROR_CATALOG[code];
  return {
    success: false,
    error: example,
    code,
    statusCode: ERROR_STATUS[code],
    ...(details === undefined ? {} : { details }),
    requestId: '6f1c2b9e-0d3a-4c5e-8f7a-9b0c1d2e3f4a',
  };
}

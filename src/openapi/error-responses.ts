import type { OpenAPIObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';

import { ERROR_STATUS, type ErrorCode } from '../common/errors/error-codes.js';
import {
  ERROR_CODES_EXTENSION,
  EVERY_ROUTE_ERRORS,
  GUARD_ERRORS,
  JSON_BODY_ERRORS,
  PATH_ERRORS,
  QUERY_ERRORS,
} from '../common/http/api-errors.decorator.js';
import { ERROR_CATALOG } from './error-catalog.js';
import { errorExample, errorSchema, errorSchemaName, errorSchemaRef } from './error-schemas.js';
import { retryAfterHeader } from './headers.js';
import { operationsOf, takeExtension } from './operations.js';

/**
 * Turns each operation's error codes into its error responses: one per status, whose body is
 * one of the codes' schemas, with an example of each code. Adds the schema of every code used.
 * Runs after applyOperationSecurity (it reads which operations are public).
 *
 * An operation's codes are those its route declares with `@ApiErrors` plus those every route
 * of its kind answers, read from the operation itself: a new route is documented exactly
 * without listing them.
 */
export function applyErrorResponses(document: OpenAPIObject): void {
  const used = new Set<ErrorCode>();
  for (const { operation } of operationsOf(document)) {
    const declared = takeExtension<ErrorCode[]>(operation, ERROR_CODES_EXTENSION) ?? [];
    const isPublic = operation.security?.length === 0;
    const hasQuery = (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'query');
    const hasPath = (operation.parameters ?? []).some((parameter) => 'in' in parameter && parameter.in === 'path');
    const codes = [
      ...new Set([
        ...(operation.requestBody ? JSON_BODY_ERRORS : []),
        ...(hasQuery ? QUERY_ERRORS : []),
        ...(hasPath ? PATH_ERRORS : []),
        ...(isPublic ? [] : GUARD_ERRORS),
        ...declared,
        ...EVERY_ROUTE_ERRORS,
      ]),
    ];
    for (const [status, statusCodes] of groupByStatus(codes)) {
      operation.responses[String(status)] = errorResponse(statusCodes);
      statusCodes.forEach((code) => used.add(code));
    }
    operation.responses = sortByStatus(operation.responses);
  }
  const schemas = (document.components ??= {}).schemas ?? {};
  for (const code of [...used].sort()) schemas[errorSchemaName(code)] = errorSchema(code);
  document.components.schemas = schemas;
}

function groupByStatus(codes: ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return byStatus;
}

function errorResponse(codes: ErrorCode[]): ResponseObject {
  const schema: SchemaObject | ReferenceObject =
    codes.length === 1
      ? errorSchemaRef(codes[0] as ErrorCode)
      : {
          oneOf: codes.map(errorSchemaRef),
          discriminator: { propertyName: 'code', mapping: Object.fromEntries(codes.map((code) => [code, errorSchemaRef(code).$ref])) },
        };
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].meaning}`).join('\n\n'),
    headers: retryAfterHeader(codes),
    content: {
      'application/json': {
        schema,
        examples: Object.fromEntries(codes.map((code) => [code, { summary: code, value: errorExample(code) }])),
      },
    },
  };
}

function sortByStatus<T>(responses: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

import type { HeadersObject, OpenAPIObject, ParameterObject } from '@nestjs/swagger';

import type { ErrorCode } from '../common/errors/error-codes.js';
import { ERROR_CATALOG } from './error-catalog.js';
import { operationsOf } from './operations.js';

/** The request id a client may send; the same rule as the logging module's. */
const REQUEST_ID_PARAMETER: ParameterObject = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description:
    'Your id for this request (letters, digits, `._:-`, at most 128): answered back and logged. ' +
    'Otherwise, or if it does not fit, the API makes one.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

/** `Retry-After` for a response answering `codes`, if any of them carries it (see the error catalog). */
export function retryAfterHeader(codes: ErrorCode[]): HeadersObject {
  const retryAfter = codes.map((code) => ERROR_CATALOG[code].retryAfter).filter((when) => when !== undefined);
  if (retryAfter.length === 0) return {};
  const always = retryAfter.length === codes.length && retryAfter.every((when) => when === 'always');
  return { 'Retry-After': { $ref: `#/components/headers/${always ? 'RetryAfter' : 'RetryAfterIfKnown'}` } };
}

/**
 * Documents the headers every route shares: `X-Request-Id` on every request (optional) and on
 * every answer (always), and the components `Retry-After` refers to.
 */
export function applyHeaders(document: OpenAPIObject): void {
  const components = (document.components ??= {});
  components.parameters = { ...components.parameters, RequestId: REQUEST_ID_PARAMETER };
  components.headers = {
    ...components.headers,
    RequestId: {
      description: 'The request id: the one sent in `X-Request-Id` if it fits, else one the API made. Also `requestId` in error bodies.',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 128 },
    },
    RetryAfter: {
      description: 'Seconds to wait before trying again.',
      required: true,
      schema: { type: 'integer', minimum: 1 },
    },
    // Only while some code sends it only sometimes (an unused component is a lint warning).
    ...(Object.values(ERROR_CATALOG).some((entry) => entry.retryAfter === 'when-known')
      ? {
          RetryAfterIfKnown: {
            description: 'Seconds to wait before trying again, when the API can tell.',
            required: false,
            schema: { type: 'integer', minimum: 1 },
          },
        }
      : {}),
  };
  for (const { operation } of operationsOf(document)) {
    operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/RequestId' }];
    for (const response of Object.values(operation.responses)) {
      if (response && !('$ref' in response)) {
        response.headers = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' }, ...response.headers };
      }
    }
  }
}

import { expect } from '@jest/globals';
import type { Response } from 'supertest';

import { settlesWithin } from './wait.js';

/**
 * How long a test waits for an answer during an outage before calling the request hung. Well above
 * the bounds the fault tests configure (about a second or two), so it proves "answered", never "fast".
 */
export const ANSWER_DEADLINE_MS = 20_000;

/**
 * Sends a request (a supertest call, or anything thenable) and asserts it was answered — not hung —
 * with `503 <code>`, the API's error shape and `Retry-After`. Returns the answer.
 */
export async function expectUnavailable(
  what: string,
  call: PromiseLike<Response>,
  code: 'DATABASE_UNAVAILABLE' | 'STORAGE_UNAVAILABLE',
): Promise<Response> {
  const response = await settlesWithin(what, Promise.resolve(call), ANSWER_DEADLINE_MS);
  expect({ what, status: response.status, body: response.body as unknown }).toEqual({
    what,
    status: 503,
    body: { success: false, error: expect.any(String), code, statusCode: 503, requestId: expect.stringMatching(/.+/) },
  });
  expect(response.headers['retry-after']).toBe('5');
  expect(response.headers['x-request-id']).toBe((response.body as { requestId: string }).requestId);
  return response;
}

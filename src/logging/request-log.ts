import type { ServerResponse } from 'node:http';

const FIELDS = Symbol('requestLogFields');

/**
 * Fields added to the one log line of a request (pino-http writes it when the answer is sent):
 * the error code of a failed request and, for an outage, what failed (SQLSTATE, errno, reason).
 * One line per request, with everything an operator needs and no stack trace.
 */
export function addRequestLogFields(response: ServerResponse, fields: Record<string, unknown>): void {
  const holder = response as ServerResponse & { [FIELDS]?: Record<string, unknown> };
  holder[FIELDS] = { ...holder[FIELDS], ...fields };
}

export function requestLogFields(response: ServerResponse): Record<string, unknown> {
  return (response as ServerResponse & { [FIELDS]?: Record<string, unknown> })[FIELDS] ?? {};
}

import { databaseOutage } from '../../database/database-unavailable.js';
import { AppError } from './app-error.js';

/** A dependency outage in a few words, for one log line: no stack, no SQL, no URL. */
export type OutageLogFields =
  { code: 'STORAGE_UNAVAILABLE'; reason: string } | { code: 'DATABASE_UNAVAILABLE'; sqlstate?: string; errno?: string; reason: string };

/** What `error` says about a store or database outage, or null when it is something else (a bug). */
export function outageLogFields(error: unknown): OutageLogFields | null {
  if (error instanceof AppError && error.code === 'STORAGE_UNAVAILABLE') {
    return { code: 'STORAGE_UNAVAILABLE', reason: describeStoreFailure(error.cause) };
  }
  const outage = databaseOutage(error);
  return outage ? { code: 'DATABASE_UNAVAILABLE', ...outage } : null;
}

/** The store's failure in a few words (error name, socket code, HTTP status): no stack, no URL. */
export function describeStoreFailure(cause: unknown): string {
  const { name, code, $metadata } = (cause ?? {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  return [name, code, typeof status === 'number' ? `HTTP ${status}` : undefined].filter((part) => typeof part === 'string').join(' ');
}

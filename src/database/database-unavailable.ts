/**
 * Telling a database outage from a bug. An outage — the server is down, restarting, refusing
 * connections, overloaded, unreachable or silent — is the client's cue to retry later (503), not a
 * defect of ours (500). node-postgres reports it in three ways: a socket error with an errno
 * (ECONNREFUSED…), an error of its own (connect or query timeout, connection ended), or a server
 * error with a SQLSTATE; TypeORM wraps query errors in QueryFailedError (`driverError`).
 */

/** What went wrong, for one concise log line (never the SQL or its parameters). */
export interface DatabaseOutage {
  /** The SQLSTATE the server sent, e.g. 57P01. */
  sqlstate?: string;
  /** The socket error, e.g. ECONNREFUSED. */
  errno?: string;
  /** A short phrase: "connection refused", "query timeout"… */
  reason: string;
}

const OUTAGE_SQLSTATES: Record<string, string> = {
  '57014': 'statement timeout',
  '57P01': 'server shutting down (admin shutdown)',
  '57P02': 'server crashed (crash shutdown)',
  '57P03': 'server not accepting connections yet',
  '53300': 'too many connections',
};

const OUTAGE_ERRNOS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name resolution failed',
};

/** node-postgres' and pg-pool's own messages for a connection that failed or went silent. */
const OUTAGE_MESSAGES: Record<string, string> = {
  'Query read timeout': 'query timeout',
  'timeout exceeded when trying to connect': 'no connection within the connect timeout',
  'Connection terminated due to connection timeout': 'connect timeout',
  'Connection terminated unexpectedly': 'connection ended',
  'Connection terminated': 'connection ended',
  'Client has encountered a connection error and is not queryable': 'connection failed',
  'Client was closed and is not queryable': 'connection closed',
};

/** The outage behind `error` (itself, its `driverError`, its `cause` or aggregated errors), or null for any other error. */
export function databaseOutage(error: unknown, depth = 0): DatabaseOutage | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (code in OUTAGE_SQLSTATES) return { sqlstate: code, reason: OUTAGE_SQLSTATES[code] as string };
    if (/^08[0-9A-Z]{3}$/.test(code)) return { sqlstate: code, reason: 'connection exception' };
    if (code in OUTAGE_ERRNOS) return { errno: code, reason: OUTAGE_ERRNOS[code] as string };
  }
  if (typeof message === 'string' && message in OUTAGE_MESSAGES) return { reason: OUTAGE_MESSAGES[message] as string };
  for (const inner of [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])]) {
    const found = databaseOutage(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

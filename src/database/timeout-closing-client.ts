import pg from 'pg';

const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * The node-postgres client of the pool: when a query gets no answer within `query_timeout`, it
 * closes its connection. node-postgres itself only fails the query and keeps the connection with
 * the unanswered query still in flight, so the pool would hand it out again and every later query
 * (starting with the transaction's ROLLBACK) would wait behind it for another full timeout. Closed,
 * the connection fails what is queued on it at once and the pool drops it; a fresh one is opened
 * for the next request, which is how the API recovers by itself once the database answers again.
 */
export class TimeoutClosingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = pg.Client.prototype.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (error instanceof Error && error.message === READ_TIMEOUT_MESSAGE) void this.end();
        });
      }
      return result;
    }) as pg.Client['query'];
  }
}

import { describe, expect, it } from '@jest/globals';

import { databaseOutage } from './database-unavailable.js';

/** The errors node-postgres, pg-pool and TypeORM actually produce, by shape. */
const pgError = (code: string, message = 'server error') => Object.assign(new Error(message), { code, severity: 'FATAL' });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
const queryFailed = (driverError: unknown) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError });

describe('databaseOutage', () => {
  it.each([
    ['57014', 'statement timeout'],
    ['57P01', 'server shutting down (admin shutdown)'],
    ['57P02', 'server crashed (crash shutdown)'],
    ['57P03', 'server not accepting connections yet'],
    ['53300', 'too many connections'],
    ['08006', 'connection exception'],
    ['08001', 'connection exception'],
    ['08P01', 'connection exception'],
  ])('SQLSTATE %s (wrapped by TypeORM) is an outage: %s', (sqlstate, reason) => {
    expect(databaseOutage(queryFailed(pgError(sqlstate)))).toEqual({ sqlstate, reason });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])(
    'socket error %s is an outage',
    (errno) => {
      expect(databaseOutage(socketError(errno))).toMatchObject({ errno });
    },
  );

  it('finds the errno inside an AggregateError (dual-stack connect) and a cause', () => {
    const aggregate = Object.assign(new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]), {});
    expect(databaseOutage(aggregate)).toMatchObject({ errno: 'ECONNREFUSED' });
    const wrapped = new Error('Connection terminated due to connection timeout', { cause: socketError('ETIMEDOUT') });
    expect(databaseOutage(wrapped)).toEqual({ reason: 'connect timeout' });
  });

  it.each([
    ['Query read timeout', 'query timeout'],
    ['timeout exceeded when trying to connect', 'no connection within the connect timeout'],
    ['Connection terminated unexpectedly', 'connection ended'],
    ['Client has encountered a connection error and is not queryable', 'connection failed'],
  ])('node-postgres "%s" is an outage', (message, reason) => {
    expect(databaseOutage(queryFailed(new Error(message)))).toEqual({ reason });
  });

  it.each([
    ['a unique violation', queryFailed(pgError('23505'))],
    ['a syntax error', queryFailed(pgError('42601'))],
    ['an invalid text representation', queryFailed(pgError('22P02'))],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'boom'],
    ['null', null],
  ])('%s is not an outage (a 4xx or a bug, never a 503)', (_label, error) => {
    expect(databaseOutage(error)).toBeNull();
  });
});

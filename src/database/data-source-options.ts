import { Logger } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';

import type { DatabaseConfig } from '../config/configuration.js';
import { databaseOutage } from './database-unavailable.js';
import { TimeoutClosingClient } from './timeout-closing-client.js';

const logger = new Logger('Database');

/**
 * The one definition of the database connection, shared by the Nest app and the TypeORM CLI.
 * Entities are not listed here: the data layer knows no feature. The app registers each feature's
 * entities with `TypeOrmModule.forFeature` (`autoLoadEntities`); the CLI finds them by file name.
 * Schema changes happen only through migrations: `synchronize` is off everywhere.
 * TLS follows the URL: Neon's `sslmode=require` is honoured by node-postgres. Migrations are not
 * listed here: the app never runs them itself (see `data-source.ts`, the CLI's entry point).
 *
 * Every wait on the database is bounded, so an outage is a prompt 503 and never a hung request:
 * getting a connection (`connectionTimeoutMillis`, also while all are busy), each statement on the
 * server (`statement_timeout`) and each answer on the client (`query_timeout`: a frozen server or
 * a silent network cannot cancel anything). A connection whose answer never came is closed
 * (TimeoutClosingClient) and the pool drops it, as it drops connections that failed.
 */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Not 'error': TypeORM would print failed queries with their parameters (password hashes...).
    logging: ['warn', 'migration'],
    // An idle pooled connection that fails (the server restarted…) is dropped by the pool: one line.
    poolErrorHandler: (error: unknown) => {
      logger.warn(
        { ...(databaseOutage(error) ?? { reason: String((error as Error)?.message) }) },
        'An idle database connection failed and was dropped',
      );
    },
    extra: {
      Client: TimeoutClosingClient,
      max: config.poolMax,
      connectionTimeoutMillis: config.connectTimeoutMs,
      idleTimeoutMillis: config.idleTimeoutMs,
      statement_timeout: config.statementTimeoutMs,
      query_timeout: config.queryTimeoutMs,
      application_name: 'r2-files',
    },
  };
}

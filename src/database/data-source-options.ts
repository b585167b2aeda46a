import type { DataSourceOptions } from 'typeorm';

import type { DatabaseConfig } from '../config/configuration.js';

/**
 * The one definition of the database connection, shared by the Nest app and the TypeORM CLI.
 * Entities are not listed here: the data layer knows no feature. The app registers each feature's
 * entities with `TypeOrmModule.forFeature` (`autoLoadEntities`); the CLI finds them by file name.
 * Schema changes happen only through migrations: `synchronize` is off everywhere.
 * TLS follows the URL: Neon's `sslmode=require` is honoured by node-postgres. Migrations are not
 * listed here: the app never runs them itself (see `data-source.ts`, the CLI's entry point).
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
    extra: {
      max: config.poolMax,
      connectionTimeoutMillis: config.connectTimeoutMs,
      idleTimeoutMillis: config.idleTimeoutMs,
      statement_timeout: config.statementTimeoutMs,
      application_name: 'r2-files',
    },
  };
}

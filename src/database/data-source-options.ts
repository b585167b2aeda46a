import type { DataSourceOptions } from 'typeorm';
import { User } from '../auth/users/user.entity.js';
import type { DatabaseConfig } from '../config/configuration.js';
import { R2File } from '../files/r2-file.entity.js';

export const ENTITIES = [User, R2File];

/**
 * The one definition of the database connection, shared by the Nest app and the TypeORM CLI.
 * Schema changes happen only through migrations: `synchronize` is off everywhere.
 * TLS follows the URL: Neon's `sslmode=require` is honoured by node-postgres. Migrations are not
 * listed here: the app never runs them itself (see `data-source.ts`, the CLI's entry point).
 */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    entities: ENTITIES,
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

import { fileURLToPath } from 'node:url';
import type { DataSourceOptions } from 'typeorm';
import { User } from '../auth/users/user.entity.js';
import type { DatabaseConfig } from '../config/configuration.js';
import { R2File } from '../files/r2-file.entity.js';

/** Migrations live at the repository root; this path works from `src/` (TS) and `dist/src/` (JS). */
const MIGRATIONS_GLOB = fileURLToPath(new URL('../../migrations/*{.ts,.js}', import.meta.url));

export const ENTITIES = [User, R2File];

/**
 * The one definition of the database connection, shared by the Nest app and the TypeORM CLI.
 * Schema changes happen only through migrations: `synchronize` is off everywhere.
 * TLS follows the URL: Neon's `sslmode=require` is honoured by node-postgres.
 */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'migration'],
    extra: { max: config.poolMax, application_name: 'r2-files' },
  };
}

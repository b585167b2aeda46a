import { existsSync } from 'node:fs';

import { createMigrationDataSource } from './migration-data-source.js';

// Entry point for the TypeORM CLI (`npm run migration:*`). The CLI does not read `.env` itself,
// and it needs only the database: the rest of the configuration is not required to migrate.
if (existsSync('.env')) process.loadEnvFile('.env');

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  throw new Error('DATABASE_URL must be set to a postgres:// connection string to run migrations');
}

export default createMigrationDataSource(url);

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

// Entry point for the TypeORM CLI (`npm run migration:*`). The CLI does not read `.env` itself,
// and it needs only the database: the rest of the configuration is not required to migrate.
if (existsSync('.env')) process.loadEnvFile('.env');

const url = process.env.DATABASE_URL;
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  throw new Error('DATABASE_URL must be set to a postgres:// connection string to run migrations');
}

/** Migrations live at the repository root; this path works from `src/` (TS) and `dist/src/` (JS). */
const migrations = [fileURLToPath(new URL('../../migrations/!(*.d).{ts,js}', import.meta.url))];

export default new DataSource({ ...buildDataSourceOptions({ url, poolMax: 2 }), migrations, migrationsTransactionMode: 'each' });

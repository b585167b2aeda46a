import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

/** Migrations live at the repository root; this path works from `src/` (TS) and `dist/src/` (JS). */
const MIGRATIONS = [fileURLToPath(new URL('../../migrations/!(*.d).{ts,js}', import.meta.url))];

/** The app's connection settings plus the migrations: used by the TypeORM CLI and `npm run dev`. */
export function createMigrationDataSource(url: string): DataSource {
  return new DataSource({ ...buildDataSourceOptions({ url, poolMax: 2 }), migrations: MIGRATIONS, migrationsTransactionMode: 'each' });
}

import { fileURLToPath } from 'node:url';

import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from './data-source-options.js';

/** Migrations live at the repository root; this path works from `src/` (TS) and `dist/src/` (JS). */
const MIGRATIONS = [fileURLToPath(new URL('../../migrations/!(*.d).{ts,js}', import.meta.url))];
/** Every feature's entities, by the house naming rule (`*.entity.ts`), so this layer imports none of them. */
const ENTITIES = [fileURLToPath(new URL('../**/!(*.d).entity.{ts,js}', import.meta.url))];

/** The app's connection settings plus the migrations: used by the TypeORM CLI and `npm run dev`. */
export function createMigrationDataSource(url: string): DataSource {
  // Migrations may rewrite large tables: no statement or query timeout for them.
  const options = buildDataSourceOptions({
    url,
    poolMax: 2,
    connectTimeoutMs: 30_000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    queryTimeoutMs: 0,
  });
  return new DataSource({ ...options, entities: ENTITIES, migrations: MIGRATIONS, migrationsTransactionMode: 'each' });
}

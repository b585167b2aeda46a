import { spawnSync } from 'node:child_process';

import { describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';

import { DropSingleUploadPendingFunctions1765411200000 } from '../migrations/1765411200000-DropSingleUploadPendingFunctions.js';

const PRESIGN_WRITE_FUNCTIONS = `SELECT proname FROM pg_proc WHERE proname LIKE 'r2_files_create_pending%' ORDER BY proname`;

/** The entities and the migrations describe the same schema (the migrations were applied by the harness). */
describe('database schema', () => {
  it('has no drift between entities and migrations (migration:generate --check)', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        '@swc-node/register/esm-register',
        'node_modules/typeorm/cli.js',
        'migration:generate',
        '-d',
        'src/database/data-source.ts',
        'migrations/Drift',
        '--check',
      ],
      { env: process.env, encoding: 'utf8' },
    );
    expect({ status: result.status, output: result.status === 0 ? '' : `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('keeps one presign write function: the batch one the API calls', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ proname: string }>(PRESIGN_WRITE_FUNCTIONS);
      expect(rows.map((row) => row.proname)).toEqual(['r2_files_create_pending_batch']);
    } finally {
      await client.end();
    }
  });

  it('reverting the drop of the single-upload functions creates them again, applying it drops them', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    // Inside one transaction, rolled back: the schema the other suites use is never changed.
    await client.query('BEGIN');
    try {
      const names = async () => (await client.query<{ proname: string }>(PRESIGN_WRITE_FUNCTIONS)).rows.map((row) => row.proname);
      // The migration only sends SQL: a client's query is all of a QueryRunner it uses.
      const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
      const migration = new DropSingleUploadPendingFunctions1765411200000();
      await migration.down(runner);
      expect(await names()).toEqual(['r2_files_create_pending', 'r2_files_create_pending_batch', 'r2_files_create_pending_scoped']);
      await migration.up(runner);
      expect(await names()).toEqual(['r2_files_create_pending_batch']);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });

  it('records the applied migration', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((r: { name: string }) => r.name)).toContain('InitialSchema1764460800000');
    } finally {
      await client.end();
    }
  });
});

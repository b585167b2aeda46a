import { spawnSync } from 'node:child_process';

import { describe, expect, it } from '@jest/globals';

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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { ScopedTransactions } from '../src/database/scoped-transactions.js';
import { useTestApp } from './support/test-app.js';

/**
 * Row Level Security, proven in SQL: under the application role, a user's setting exposes that
 * user's rows only, whatever the query says; without the setting nothing is visible.
 */
describe('row level security on r2_files', () => {
  let admin: pg.Client;
  const a = `rls-a-${Date.now()}`;
  const b = `rls-b-${Date.now()}`;

  const asApp = async <T>(client: pg.Client, userId: string | null, work: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('role', 'r2files_app', true)`);
      if (userId !== null) await client.query(`SELECT set_config('app.user_id', $1, true)`, [userId]);
      return await work();
    } finally {
      await client.query('ROLLBACK');
    }
  };

  /** The number a `SELECT count(*)::int AS n ...` query answers. */
  const count = async (text: string, values: string[] = []) => (await admin.query<{ n: number }>(text, values)).rows[0]?.n;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    for (const [user, n] of [
      [a, 2],
      [b, 3],
    ] as const) {
      for (let i = 0; i < n; i += 1) {
        await admin.query(
          `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status) VALUES ($1, $2, 'f.txt', 'text/plain', 'uploaded')`,
          [`${user}-${i}`, user],
        );
      }
    }
  });

  afterAll(async () => {
    await admin.query('DELETE FROM r2_files WHERE user_id IN ($1, $2)', [a, b]);
    await admin.end();
  });

  it('is enabled and forced on the table', async () => {
    const { rows } = await admin.query(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'r2_files'`);
    expect(rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
  });

  it("shows user A only A's rows, even to a query without WHERE", async () => {
    const rows = await asApp(admin, a, async () => (await admin.query<{ user_id: string }>('SELECT user_id FROM r2_files')).rows);
    expect(rows.length).toBe(2);
    expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([a]));
    const explicit = await asApp(admin, a, () => count('SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1', [b]));
    expect(explicit).toBe(0);
  });

  it("cannot update or delete B's rows as A", async () => {
    const updated = await asApp(
      admin,
      a,
      async () => (await admin.query(`UPDATE r2_files SET file_name = 'pwned' WHERE user_id = $1`, [b])).rowCount,
    );
    const deleted = await asApp(admin, a, async () => (await admin.query('DELETE FROM r2_files WHERE user_id = $1', [b])).rowCount);
    expect({ updated, deleted }).toEqual({ updated: 0, deleted: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1 AND file_name = 'f.txt'`, [b])).toBe(3);
  });

  it('cannot insert a row owned by someone else', async () => {
    await expect(
      asApp(admin, a, () =>
        admin.query(`INSERT INTO r2_files (object_key, user_id, file_name, content_type) VALUES ('forged', $1, 'x', 'text/plain')`, [b]),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('shows nothing without the setting, including on a connection that had one before', async () => {
    const fresh = await asApp(admin, null, () => count('SELECT count(*)::int AS n FROM r2_files'));
    expect(fresh).toBe(0);
    // Same connection (as a pool would reuse it): the earlier transaction-local setting is gone.
    await asApp(admin, a, () => admin.query('SELECT 1'));
    const reused = await asApp(admin, null, () => count('SELECT count(*)::int AS n FROM r2_files'));
    expect(reused).toBe(0);
  });

  describe('the self-scoped presign function (r2_files_create_pending_scoped)', () => {
    const call = (client: pg.Client, userId: string, key: string) =>
      client.query<{ id: string | null }>(
        `SELECT r2_files_create_pending_scoped($1, $2, NULL, 'f.txt', 'text/plain', NULL, now() + interval '1 hour',
                                               now() + interval '5 minutes', NULL, NULL, NULL, 100) AS id`,
        [userId, key],
      );

    it('inserts as the application role for the given user, and the scope ends with its statement', async () => {
      const { rows } = await call(admin, a, `${a}-scoped`);
      expect(rows[0]?.id).toMatch(/^\d+$/);
      expect(
        await count(`SELECT count(*)::int AS n FROM r2_files WHERE object_key = $1 AND user_id = $2 AND status = 'pending'`, [
          `${a}-scoped`,
          a,
        ]),
      ).toBe(1);
      // Same connection, next statement (as a pooled connection would run next): back to the
      // connecting role, no user set.
      const after = await admin.query<{ role: string; caller: string | null }>(
        `SELECT current_user AS role, nullif(current_setting('app.user_id', true), '') AS caller`,
      );
      expect(after.rows).toEqual([{ role: (await admin.query<{ u: string }>('SELECT session_user AS u')).rows[0]?.u, caller: null }]);
    });

    it('may not be called by the application role (it would choose its own user)', async () => {
      await expect(asApp(admin, a, () => call(admin, b, `${b}-forged`))).rejects.toThrow(/permission denied for function/);
      expect(await count(`SELECT count(*)::int AS n FROM r2_files WHERE object_key = $1`, [`${b}-forged`])).toBe(0);
    });
  });

  describe('in the application', () => {
    const t = useTestApp();

    it('runs scoped work as the non-superuser application role with the caller set', async () => {
      const scoped = t.app.get(ScopedTransactions);
      const [who] = await scoped.asUser(a, (manager) =>
        manager.query<{ role: string; superuser: boolean; bypass: boolean; caller: string }[]>(
          `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass, current_setting('app.user_id') AS caller
             FROM pg_roles r WHERE r.rolname = current_user`,
        ),
      );
      expect(who).toEqual({ role: 'r2files_app', superuser: false, bypass: false, caller: a });
      const visible = await scoped.asUser(a, (manager) => manager.query<{ user_id: string }[]>('SELECT DISTINCT user_id FROM r2_files'));
      expect(visible).toEqual([{ user_id: a }]);
    });

    it('lets the sweeper role see expired pending uploads only', async () => {
      await admin.query(
        `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status, expires_at) VALUES
           ($1, $3, 'x', 'text/plain', 'pending', now() - interval '1 hour'),
           ($2, $3, 'x', 'text/plain', 'pending', now() + interval '1 hour')`,
        [`${b}-expired`, `${b}-live`, b],
      );
      const scoped = t.app.get(ScopedTransactions);
      const keys = await scoped.asSweeper((manager) => manager.query<{ object_key: string }[]>('SELECT object_key FROM r2_files'));
      expect(keys.map((k) => k.object_key)).toContain(`${b}-expired`);
      expect(keys.map((k) => k.object_key)).not.toContain(`${b}-live`);
      expect(keys.map((k) => k.object_key)).not.toContain(`${a}-0`);
    });
  });
});

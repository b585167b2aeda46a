import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { ScopedTransactions } from '../src/database/scoped-transactions.js';
import { useTestApp } from './support/test-app.js';
import { createPendingBatch, pendingUploadJson } from './support/uploads.js';

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
  const count = async (text: string, values: unknown[] = []) => (await admin.query<{ n: number }>(text, values)).rows[0]?.n;

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

  describe('the self-scoped presign function (r2_files_create_pending_batch)', () => {
    const ownerOf = async (key: string) =>
      (await admin.query<{ user_id: string }>(`SELECT user_id FROM r2_files WHERE object_key = $1 AND status = 'pending'`, [key])).rows.map(
        (row) => row.user_id,
      );

    it("inserts each upload as the application role for that upload's owner, and the scope ends with its statement", async () => {
      const ids = await createPendingBatch(admin, [pendingUploadJson(a, `${a}-scoped`), pendingUploadJson(b, `${b}-scoped`)]);
      expect(ids).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
      expect(await ownerOf(`${a}-scoped`)).toEqual([a]);
      expect(await ownerOf(`${b}-scoped`)).toEqual([b]);
      // Same connection, next statement (as a pooled connection would run next): back to the
      // connecting role, no user set.
      const after = await admin.query<{ role: string; caller: string | null }>(
        `SELECT current_user AS role, nullif(current_setting('app.user_id', true), '') AS caller`,
      );
      expect(after.rows).toEqual([{ role: (await admin.query<{ u: string }>('SELECT session_user AS u')).rows[0]?.u, caller: null }]);
    });

    it("keeps each owner's cap, counting the owner's earlier uploads of the same batch, and no one else's", async () => {
      const c = `rls-c-${Date.now()}`;
      const d = `rls-d-${Date.now()}`;
      try {
        const ids = await createPendingBatch(admin, [
          pendingUploadJson(c, `${c}-1`, 2),
          pendingUploadJson(d, `${d}-1`, 2),
          pendingUploadJson(c, `${c}-2`, 2),
          pendingUploadJson(c, `${c}-3`, 2),
        ]);
        expect(ids).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), null]);
        expect(await count(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1`, [c])).toBe(2);
        expect(await count(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1`, [d])).toBe(1);
        // The ids are those of the rows, in the order of the uploads.
        const { rows } = await admin.query<{ id: string; object_key: string }>(
          `SELECT id::text, object_key FROM r2_files WHERE id = ANY($1::bigint[]) ORDER BY array_position($1::bigint[], id)`,
          [ids.filter((id) => id !== null)],
        );
        expect(rows.map((row) => row.object_key)).toEqual([`${c}-1`, `${d}-1`, `${c}-2`]);
      } finally {
        await admin.query('DELETE FROM r2_files WHERE user_id IN ($1, $2)', [c, d]);
      }
    });

    it("takes the owners' locks in one order: batches naming the same owners in opposite orders never deadlock", async () => {
      const owners = Array.from({ length: 6 }, (_, i) => `rls-lock-${i}-${Date.now()}`);
      const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: process.env.DATABASE_URL }));
      await Promise.all(clients.map((client) => client.connect()));
      try {
        // 4 connections × 10 batches of the 6 owners, half of them in reverse order: with locks taken
        // in batch order, two such transactions would wait on each other (SQLSTATE 40P01).
        const outcomes = await Promise.allSettled(
          clients.map(async (client, c) => {
            for (let round = 0; round < 10; round += 1) {
              const order = (c + round) % 2 === 0 ? owners : [...owners].reverse();
              await createPendingBatch(
                client,
                order.map((owner) => pendingUploadJson(owner, `${owner}-${c}-${round}`)),
              );
            }
          }),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
        expect(await count(`SELECT count(*)::int AS n FROM r2_files WHERE user_id = ANY($1)`, [owners])).toBe(240);
      } finally {
        await Promise.all(clients.map((client) => client.end()));
        await admin.query('DELETE FROM r2_files WHERE user_id = ANY($1)', [owners]);
      }
    });

    it('may not be called by the application role (it would choose its own users)', async () => {
      await expect(asApp(admin, a, () => createPendingBatch(admin, [pendingUploadJson(b, `${b}-forged`)]))).rejects.toThrow(
        /permission denied for function/,
      );
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

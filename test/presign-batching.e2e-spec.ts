import { randomUUID } from 'node:crypto';

import { describe, expect, it, jest } from '@jest/globals';
import type pg from 'pg';

import { type NewPendingUpload, R2FilesRepository } from '../src/files/r2-files.repository.js';
import { registerUser, useTestApp } from './support/test-app.js';

/**
 * Presigns that arrive in the same turn of the event loop are written by one statement
 * (docs/adr/0013): each still gets its own id or its own 429, the cap of each owner holds, and an
 * upload the batch cannot take fails alone.
 */
describe('pending uploads written together', () => {
  const CAP = 3;
  const t = useTestApp({ UPLOAD_MAX_PENDING_PER_USER: String(CAP) });

  const pending = (userId: string, objectKey = `${randomUUID()}-f.txt`): NewPendingUpload => ({
    userId,
    objectKey,
    fileUrl: null,
    fileName: 'f.txt',
    contentType: 'text/plain',
    declaredSize: 12,
    expiresAt: new Date(Date.now() + 3_600_000),
    urlExpiresAt: new Date(Date.now() + 300_000),
  });

  /** The statements the app's pool is sent while `work` runs (a spy that calls through: they still run in PostgreSQL). */
  const countingStatements = async <T>(work: () => Promise<T>): Promise<{ value: T; statements: string[] }> => {
    const pool = (t.db.driver as unknown as { master: pg.Pool }).master;
    const spy = jest.spyOn(pool, 'query');
    try {
      const value = await work();
      const statements = spy.mock.calls.map(([config]) =>
        typeof config === 'string' ? config : ((config as { name?: string; text: string }).name ?? (config as { text: string }).text),
      );
      return { value, statements };
    } finally {
      spy.mockRestore();
    }
  };

  const rowsOf = (userId: string) =>
    t.db.query<{ id: string; object_key: string; user_id: string; status: string }[]>(
      `SELECT id::text, object_key, user_id, status FROM r2_files WHERE user_id = $1 ORDER BY id`,
      [userId],
    );

  it('writes the presigns of one turn, of several owners, with one statement and gives each its own row', async () => {
    const files = t.app.get(R2FilesRepository);
    const owners = Array.from({ length: 5 }, () => `batch-${randomUUID()}`);
    const uploads = owners.map((owner) => pending(owner));
    const { value: ids, statements } = await countingStatements(() =>
      Promise.all(uploads.map((upload) => files.createPendingWithinQuota(upload, CAP))),
    );
    expect(statements).toEqual(['r2_files_create_pending_batch/1']);
    expect(new Set(ids).size).toBe(5);
    for (const [i, owner] of owners.entries()) {
      expect(await rowsOf(owner)).toEqual([{ id: String(ids[i]), object_key: uploads[i]!.objectKey, user_id: owner, status: 'pending' }]);
    }
  });

  it("keeps every owner's cap when one turn brings several uploads of each", async () => {
    const files = t.app.get(R2FilesRepository);
    const [full, fresh] = [`batch-full-${randomUUID()}`, `batch-fresh-${randomUUID()}`];
    await files.createPendingWithinQuota(pending(full), CAP);
    // One turn: 4 more for the owner who has 1 (2 fit), 4 for an owner who has none (3 fit).
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => files.createPendingWithinQuota(pending(full), CAP)),
      ...Array.from({ length: 4 }, () => files.createPendingWithinQuota(pending(fresh), CAP)),
    ]);
    expect(results.map((id) => (id === null ? 'capped' : 'created'))).toEqual([
      'created',
      'created',
      'capped',
      'capped',
      'created',
      'created',
      'created',
      'capped',
    ]);
    expect(await rowsOf(full)).toHaveLength(CAP);
    expect(await rowsOf(fresh)).toHaveLength(CAP);
  });

  it('fails only the upload the batch could not take; the others of its turn are written', async () => {
    const files = t.app.get(R2FilesRepository);
    const owner = `batch-dup-${randomUUID()}`;
    const taken = `${randomUUID()}-taken.txt`;
    await files.createPendingWithinQuota(pending(`batch-other-${randomUUID()}`, taken), CAP);
    // The middle one reuses an object key (unique): its INSERT fails, and with it the first batch.
    const outcomes = await Promise.allSettled([
      files.createPendingWithinQuota(pending(owner), CAP),
      files.createPendingWithinQuota(pending(owner, taken), CAP),
      files.createPendingWithinQuota(pending(owner), CAP),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    const rows = await rowsOf(owner);
    const written = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [String(outcome.value)] : []));
    expect(rows.map((row) => row.id).sort()).toEqual(written.sort());
    expect(await t.db.query(`SELECT user_id FROM r2_files WHERE object_key = $1`, [taken])).toHaveLength(1);
  });

  it('answers concurrent presigns of many users over HTTP: each user gets exactly the cap, the rest 429', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(t)));
    const responses = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: CAP + 2 }, (_, i) => t.api.as(user).presign({ fileName: `f${i}.txt`, contentType: 'text/plain' })),
      ),
    );
    for (const [u, user] of users.entries()) {
      const mine = responses.slice(u * (CAP + 2), (u + 1) * (CAP + 2));
      expect(mine.map((response) => response.status).sort()).toEqual([201, 201, 201, 429, 429]);
      const keys = mine.filter((response) => response.status === 201).map((response) => (response.body as { objectKey: string }).objectKey);
      expect((await rowsOf(user.id)).map((row) => row.object_key).sort()).toEqual(keys.sort());
    }
  });
});

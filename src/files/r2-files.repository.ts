import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { databaseOutage } from '../database/database-unavailable.js';
import { ScopedTransactions } from '../database/scoped-transactions.js';
import { join, sql, type SqlFragment } from '../database/sql-literal.js';
import { TurnBatcher } from '../database/turn-batcher.js';
import type { PagePosition } from './page-cursor.js';
import { R2File } from './r2-file.entity.js';
import { LISTED_FILE_COLUMNS, type ListedFileRow, R2_FILE_COLUMNS, type R2FileRow, toR2File } from './r2-file.row.js';

export interface NewPendingUpload {
  userId: string;
  objectKey: string;
  fileUrl: string | null;
  fileName: string;
  contentType: string;
  declaredSize: number | null;
  /** End of the confirm window: the sweeper removes the row after it (plus SWEEPER_GRACE). */
  expiresAt: Date;
  /** Until when the upload can still be started (the URL's expiry): the cap counts it until then. */
  urlExpiresAt: Date;
  /** Multipart uploads only: the store's upload id and the part layout. */
  multipartUploadId?: string;
  partSize?: number;
  partCount?: number;
}

/** One upload as r2_files_create_pending_batch reads it (its JSON keys are the column names). */
export interface PendingWrite {
  user_id: string;
  object_key: string;
  file_url: string | null;
  file_name: string;
  content_type: string;
  declared_size: number | null;
  expires_at: string;
  url_expires_at: string;
  multipart_upload_id: string | null;
  part_size: number | null;
  part_count: number | null;
  cap: number;
}

/**
 * Enough for every presign one turn of the event loop brings on one instance (each costs the API
 * more CPU than the database a row); a bound all the same, so one statement stays short.
 */
const PENDING_WRITES_PER_BATCH = 100;

export interface VerifiedObject {
  size: number;
  contentType: string;
  etag: string | null;
}

/** What the store may hold for an upload the sweeper or a cancel removes. */
export interface UploadLeftovers {
  id: number;
  objectKey: string;
  /** A multipart upload: uploads may be open under the key, recorded or not (a start cut short). */
  multipart: boolean;
}

/**
 * One page of the owner's uploaded files, newest first, after `after` when given, optionally only
 * those whose content type starts with `contentTypePrefix` (lower case). Served by
 * r2_files_user_listing_idx (a test explains this very statement on a large table).
 */
export function listPageQuery(userId: string, limit: number, after: PagePosition | null, contentTypePrefix?: string): SqlFragment {
  const conditions = [sql`user_id = ${userId}`, sql`status = 'uploaded'`];
  if (contentTypePrefix) conditions.push(sql`starts_with(lower(content_type), ${contentTypePrefix})`);
  if (after) conditions.push(sql`(upload_timestamp, id) < (${after.uploadTimestamp}, ${after.id})`);
  return sql`SELECT ${LISTED_FILE_COLUMNS} FROM r2_files WHERE ${join(conditions, sql` AND `)}
    ORDER BY upload_timestamp DESC, id DESC LIMIT ${limit}`;
}

/**
 * Intent-named queries on `r2_files`. Each method is one short transaction under Row Level
 * Security (the owner's id set for that transaction), and still filters by owner explicitly so
 * the listing index is used: RLS is the safety net, not the query plan.
 *
 * Three ways to the database, chosen per method (docs/adr/0002-one-round-trip-rls-statements.md):
 * - **One statement** (`ScopedTransactions.callSelfScoped`, bind parameters): the busiest write,
 *   `createPendingWithinQuota` (presign, multipart start, signed uploads), a database function
 *   that sets the scope itself (docs/adr/0011-self-scoped-presign-function.md), called once per
 *   turn of the event loop for all the presigns of that turn (docs/adr/0013).
 * - **One round trip** (`ScopedTransactions.queryAsUser`, simple protocol, values escaped into
 *   `sql` fragments): the other methods every request runs — `attachMultipartUpload` (start),
 *   `findOwnedByKey` and `markUploaded` (confirm), `findOwnedByMultipartUploadId`, `findOwnedById`
 *   (get, download) and `listPage` (list). A transaction with bind parameters would cost four
 *   round trips (BEGIN, set_config, the statement, COMMIT), which against Neon dominates the request.
 * - **TypeORM with bind parameters** inside `asUser`/`asSweeper` transactions: the rare state
 *   changes — `markRejected`, `deletePending` through the entity `Repository`; `markDeleting`,
 *   `markCancelling` (they need `RETURNING`), `deleteRow` and `sweepExpiredPending` (`FOR UPDATE
 *   SKIP LOCKED`, work between two statements) through `manager.query`. Clarity over latency there.
 */
@Injectable()
export class R2FilesRepository {
  constructor(private readonly scoped: ScopedTransactions) {}

  /**
   * Pending uploads written in the same turn of the event loop, written together: one call of
   * r2_files_create_pending_batch per turn (ADR 0013). Should a batch fail for a reason other than
   * an outage, each upload is tried alone, so one that cannot be written fails only its request.
   */
  private readonly pendingWrites = new TurnBatcher<PendingWrite, string | null>({
    run: async (uploads) =>
      (await this.scoped.callSelfScoped<(string | null)[]>('r2_files_create_pending_batch', JSON.stringify(uploads))) ?? [],
    maxBatch: PENDING_WRITES_PER_BATCH,
    retryAlone: (error) => databaseOutage(error) === null,
  });

  /**
   * Records a pending upload unless the owner already has `maxPending` that can still be started,
   * and returns its id (null when the cap is reached). The database function
   * r2_files_create_pending_batch sets the request scope (role, user) itself, takes a per-owner
   * advisory lock, so concurrent presigns cannot overshoot the cap, counts (at most `maxPending`
   * entries of the owner's pending index) and inserts under RLS — for every upload of the batch
   * this one joins. PL/pgSQL keeps the plans of the statements inside per connection (ADRs 0009,
   * 0011, 0013).
   */
  async createPendingWithinQuota(upload: NewPendingUpload, maxPending: number): Promise<number | null> {
    const id = await this.pendingWrites.submit({
      user_id: upload.userId,
      object_key: upload.objectKey,
      file_url: upload.fileUrl,
      file_name: upload.fileName,
      content_type: upload.contentType,
      declared_size: upload.declaredSize,
      expires_at: upload.expiresAt.toISOString(),
      url_expires_at: upload.urlExpiresAt.toISOString(),
      multipart_upload_id: upload.multipartUploadId ?? null,
      part_size: upload.partSize ?? null,
      part_count: upload.partCount ?? null,
      cap: maxPending,
    });
    return id === null ? null : Number(id);
  }

  async findOwnedByKey(userId: string, objectKey: string): Promise<R2File | null> {
    const rows = await this.scoped.queryAsUser<R2FileRow>(
      userId,
      sql`SELECT ${R2_FILE_COLUMNS} FROM r2_files WHERE user_id = ${userId} AND object_key = ${objectKey}`,
    );
    return rows[0] ? toR2File(rows[0]) : null;
  }

  async findOwnedByMultipartUploadId(userId: string, multipartUploadId: string): Promise<R2File | null> {
    const rows = await this.scoped.queryAsUser<R2FileRow>(
      userId,
      sql`SELECT ${R2_FILE_COLUMNS} FROM r2_files WHERE user_id = ${userId} AND multipart_upload_id = ${multipartUploadId}`,
    );
    return rows[0] ? toR2File(rows[0]) : null;
  }

  /**
   * Second step of a multipart start, once the store has created the upload: records its id and
   * the upload's real expiry. False when the row is no longer a pending upload waiting for its id
   * (cancelled, or swept because the store took longer than the row's first, short expiry).
   */
  async attachMultipartUpload(userId: string, id: number, multipartUploadId: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.scoped.queryAsUser<{ id: string }>(
      userId,
      sql`UPDATE r2_files SET multipart_upload_id = ${multipartUploadId}, expires_at = ${expiresAt}, url_expires_at = ${expiresAt},
                              updated_at = now()
           WHERE id = ${id} AND user_id = ${userId} AND status = 'pending' AND multipart_upload_id IS NULL
       RETURNING id`,
    );
    return rows.length > 0;
  }

  /**
   * First step of a cancel: hides an unconfirmed upload (`pending` or `rejected`) as `deleting`, so
   * no confirm can record it any more and it no longer counts against the cap, and returns it. A
   * row already `deleting` (a cancel or delete that stopped half-way) qualifies again. Null when
   * the owner has no such upload in those states.
   */
  markCancelling(userId: string, objectKey: string): Promise<UploadLeftovers | null> {
    return this.scoped.asUser(userId, async (manager) => {
      const rows = await manager.query<[{ id: string; multipart: boolean }[], number]>(
        `UPDATE r2_files SET status = 'deleting', updated_at = now()
          WHERE object_key = $1 AND user_id = $2 AND status IN ('pending', 'rejected', 'deleting')
          RETURNING id, part_count IS NOT NULL AS multipart`,
        [objectKey, userId],
      );
      const row = rows[0][0];
      return row ? { id: Number(row.id), objectKey, multipart: row.multipart } : null;
    });
  }

  /** Forgets a pending upload (aborted by its owner). Returns false if it was no longer pending. */
  deletePending(userId: string, id: number): Promise<boolean> {
    return this.scoped.asUser(userId, async (manager) => {
      const result = await manager.getRepository(R2File).delete({ id, userId, status: 'pending' });
      return (result.affected ?? 0) > 0;
    });
  }

  /**
   * Moves a pending upload to `uploaded` with what the store reported. Only one caller can win
   * (the `status = 'pending'` guard): returns null when the row was no longer pending.
   * The timestamp is kept at millisecond precision so page cursors (JS dates) match it exactly.
   */
  async markUploaded(userId: string, id: number, object: VerifiedObject): Promise<Date | null> {
    const rows = await this.scoped.queryAsUser<{ upload_timestamp: Date }>(
      userId,
      sql`UPDATE r2_files
             SET status = 'uploaded', size = ${object.size}, content_type = ${object.contentType}, etag = ${object.etag},
                 expires_at = NULL, url_expires_at = NULL, upload_timestamp = date_trunc('milliseconds', now()), updated_at = now()
           WHERE id = ${id} AND user_id = ${userId} AND status = 'pending'
       RETURNING upload_timestamp`,
    );
    return rows[0]?.upload_timestamp ?? null;
  }

  async markRejected(userId: string, id: number): Promise<void> {
    await this.scoped.asUser(userId, (manager) =>
      manager.getRepository(R2File).update({ id, userId, status: 'pending' }, { status: 'rejected', expiresAt: null, urlExpiresAt: null }),
    );
  }

  /** One of the owner's uploaded files; null for anything else (another owner's, pending, deleted). */
  async findOwnedById(userId: string, id: number): Promise<R2File | null> {
    const rows = await this.scoped.queryAsUser<R2FileRow>(
      userId,
      sql`SELECT ${R2_FILE_COLUMNS} FROM r2_files WHERE id = ${id} AND user_id = ${userId} AND status = 'uploaded'`,
    );
    return rows[0] ? toR2File(rows[0]) : null;
  }

  /**
   * First step of a delete: hides the file (`deleting`) and returns its key, or null if the owner
   * has no such file. A row already `deleting` (an earlier delete failed half-way) qualifies again.
   */
  markDeleting(userId: string, id: number): Promise<string | null> {
    return this.scoped.asUser(userId, async (manager) => {
      const rows = await manager.query<[{ object_key: string }[], number]>(
        `UPDATE r2_files SET status = 'deleting', updated_at = now()
          WHERE id = $1 AND user_id = $2 AND status IN ('uploaded', 'deleting')
          RETURNING object_key`,
        [id, userId],
      );
      return rows[0][0]?.object_key ?? null;
    });
  }

  /**
   * Last step of a delete or a cancel, once the store holds nothing for the row any more. A
   * single-PUT upload whose URL can still be used keeps its (hidden) row until then: a PUT that
   * was still under way could store the object again, and the sweeper must still find it.
   */
  async deleteRow(userId: string, id: number): Promise<void> {
    await this.scoped.asUser(userId, (manager) =>
      manager.query(
        `DELETE FROM r2_files WHERE id = $1 AND user_id = $2 AND status = 'deleting'
            AND (part_count IS NOT NULL OR url_expires_at IS NULL OR url_expires_at <= now())`,
        [id, userId],
      ),
    );
  }

  /** One page of the owner's uploaded files (see `listPageQuery`), as listed rows; one round trip. */
  listPage(userId: string, limit: number, after: PagePosition | null, contentTypePrefix?: string): Promise<ListedFileRow[]> {
    return this.scoped.queryAsUser<ListedFileRow>(userId, listPageQuery(userId, limit, after, contentTypePrefix));
  }

  /**
   * Removes up to `limit` pending uploads that expired more than `graceSeconds` ago, and deletes
   * and cancels stuck in `deleting` for longer than that (interrupted half-way, or a cancelled
   * upload whose URL could still be used). The rows are locked with SKIP LOCKED, so several
   * instances sweeping at once never process the same row; `removeObjects` runs before the rows
   * are deleted and a failure rolls the batch back for a retry: no row goes while the store may
   * still hold something for it. Returns how many uploads were removed.
   */
  sweepExpiredPending(graceSeconds: number, limit: number, removeObjects: (uploads: UploadLeftovers[]) => Promise<void>): Promise<number> {
    return this.scoped.asSweeper(async (manager: EntityManager) => {
      const rows = await manager.query<{ id: string; object_key: string; multipart: boolean }[]>(
        `SELECT id, object_key, part_count IS NOT NULL AS multipart FROM r2_files
          WHERE (status = 'pending' AND expires_at < now() - make_interval(secs => $1))
             OR (status = 'deleting' AND updated_at < now() - make_interval(secs => $1)
                 AND (part_count IS NOT NULL OR url_expires_at IS NULL OR url_expires_at < now() - make_interval(secs => $1)))
          ORDER BY coalesce(expires_at, updated_at)
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [graceSeconds, limit],
      );
      if (rows.length === 0) return 0;
      const uploads = rows.map((row) => ({ id: Number(row.id), objectKey: row.object_key, multipart: row.multipart }));
      await removeObjects(uploads);
      await manager.query(`DELETE FROM r2_files WHERE id = ANY($1::bigint[])`, [uploads.map((u) => u.id)]);
      return uploads.length;
    });
  }
}

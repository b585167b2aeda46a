import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ScopedTransactions } from '../database/scoped-transactions.js';
import type { PagePosition } from './page-cursor.js';
import { R2File } from './r2-file.entity.js';

export interface NewPendingUpload {
  userId: string;
  objectKey: string;
  fileUrl: string | null;
  fileName: string;
  contentType: string;
  declaredSize: number | null;
  expiresAt: Date;
  /** Multipart uploads only: the store's upload id and the part layout. */
  multipartUploadId?: string;
  partSize?: number;
  partCount?: number;
}

export interface VerifiedObject {
  size: number;
  contentType: string;
  etag: string | null;
}

export interface ExpiredUpload {
  id: number;
  objectKey: string;
  multipartUploadId: string | null;
}

/**
 * Intent-named queries on `r2_files`. Each method is one short transaction under Row Level
 * Security (the owner's id set for that transaction), and still filters by owner explicitly so
 * the listing index is used: RLS is the safety net, not the query plan.
 */
@Injectable()
export class R2FilesRepository {
  constructor(private readonly scoped: ScopedTransactions) {}

  /**
   * Records a pending upload unless the owner already has `maxPending` unexpired ones. A
   * per-owner advisory lock serialises concurrent presigns so the cap cannot be overshot.
   * Returns null when the cap is reached.
   */
  createPendingWithinQuota(upload: NewPendingUpload, maxPending: number): Promise<R2File | null> {
    return this.scoped.asUser(upload.userId, async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('r2_files.pending:' || $1, 0))`, [upload.userId]);
      const [{ pending }] = (await manager.query(
        `SELECT count(*)::int AS pending FROM r2_files WHERE user_id = $1 AND status = 'pending' AND expires_at > now()`,
        [upload.userId],
      )) as { pending: number }[];
      if (pending >= maxPending) return null;
      const repository = manager.getRepository(R2File);
      return repository.save(repository.create({ ...upload, status: 'pending' }));
    });
  }

  findOwnedByKey(userId: string, objectKey: string): Promise<R2File | null> {
    return this.scoped.asUser(userId, (manager) => manager.getRepository(R2File).findOneBy({ userId, objectKey }));
  }

  findOwnedByMultipartUploadId(userId: string, multipartUploadId: string): Promise<R2File | null> {
    return this.scoped.asUser(userId, (manager) => manager.getRepository(R2File).findOneBy({ userId, multipartUploadId }));
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
  markUploaded(userId: string, id: number, object: VerifiedObject): Promise<Date | null> {
    return this.scoped.asUser(userId, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(R2File)
        .set({
          status: 'uploaded',
          size: object.size,
          contentType: object.contentType,
          etag: object.etag,
          expiresAt: null,
          uploadTimestamp: () => `date_trunc('milliseconds', now())`,
        })
        .where('id = :id AND user_id = :userId AND status = :pending', { id, userId, pending: 'pending' })
        .returning(['upload_timestamp'])
        .execute();
      const row = (result.raw as { upload_timestamp: Date }[])[0];
      return row ? row.upload_timestamp : null;
    });
  }

  async markRejected(userId: string, id: number): Promise<void> {
    await this.scoped.asUser(userId, (manager) =>
      manager.getRepository(R2File).update({ id, userId, status: 'pending' }, { status: 'rejected', expiresAt: null }),
    );
  }

  /** One of the owner's uploaded files; null for anything else (another owner's, pending, deleted). */
  findOwnedById(userId: string, id: number): Promise<R2File | null> {
    return this.scoped.asUser(userId, (manager) => manager.getRepository(R2File).findOneBy({ id, userId, status: 'uploaded' }));
  }

  /**
   * First step of a delete: hides the file (`deleting`) and returns its key, or null if the owner
   * has no such file. A row already `deleting` (an earlier delete failed half-way) qualifies again.
   */
  markDeleting(userId: string, id: number): Promise<string | null> {
    return this.scoped.asUser(userId, async (manager) => {
      const rows = (await manager.query(
        `UPDATE r2_files SET status = 'deleting', updated_at = now()
          WHERE id = $1 AND user_id = $2 AND status IN ('uploaded', 'deleting')
          RETURNING object_key`,
        [id, userId],
      )) as [{ object_key: string }[], number];
      return rows[0][0]?.object_key ?? null;
    });
  }

  /** Undoes `markDeleting` when the store could not delete the object: the file is whole again. */
  async restoreDeleting(userId: string, id: number): Promise<void> {
    await this.scoped.asUser(userId, (manager) =>
      manager.getRepository(R2File).update({ id, userId, status: 'deleting' }, { status: 'uploaded' }),
    );
  }

  /** Last step of a delete, once the object is gone from the store. */
  async deleteRow(userId: string, id: number): Promise<void> {
    await this.scoped.asUser(userId, (manager) => manager.getRepository(R2File).delete({ id, userId, status: 'deleting' }));
  }

  /**
   * One page of the owner's uploaded files, newest first, after `after` when given, optionally
   * only those whose content type starts with `contentTypePrefix` (lower case).
   */
  listPage(userId: string, limit: number, after: PagePosition | null, contentTypePrefix?: string): Promise<R2File[]> {
    return this.scoped.asUser(userId, (manager) => {
      const query = manager
        .getRepository(R2File)
        .createQueryBuilder('file')
        .where('file.user_id = :userId', { userId })
        .andWhere(`file.status = 'uploaded'`)
        .orderBy('file.upload_timestamp', 'DESC')
        .addOrderBy('file.id', 'DESC')
        .limit(limit);
      if (contentTypePrefix) query.andWhere('starts_with(lower(file.content_type), :prefix)', { prefix: contentTypePrefix });
      if (after) {
        query.andWhere('(file.upload_timestamp, file.id) < (:afterTimestamp, :afterId)', {
          afterTimestamp: after.uploadTimestamp,
          afterId: after.id,
        });
      }
      return query.getMany();
    });
  }

  /**
   * Removes up to `limit` pending uploads that expired more than `graceSeconds` ago. The rows are
   * locked with SKIP LOCKED, so several instances sweeping at once never process the same row;
   * `removeObjects` runs before the rows are deleted and a failure rolls the batch back for a retry.
   * Returns how many uploads were removed.
   */
  sweepExpiredPending(graceSeconds: number, limit: number, removeObjects: (uploads: ExpiredUpload[]) => Promise<void>): Promise<number> {
    return this.scoped.asSweeper(async (manager: EntityManager) => {
      const rows = (await manager.query(
        `SELECT id, object_key, multipart_upload_id FROM r2_files
          WHERE status = 'pending' AND expires_at < now() - make_interval(secs => $1)
          ORDER BY expires_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [graceSeconds, limit],
      )) as { id: string; object_key: string; multipart_upload_id: string | null }[];
      if (rows.length === 0) return 0;
      const uploads = rows.map((row) => ({ id: Number(row.id), objectKey: row.object_key, multipartUploadId: row.multipart_upload_id }));
      await removeObjects(uploads);
      await manager.query(`DELETE FROM r2_files WHERE id = ANY($1::bigint[])`, [uploads.map((u) => u.id)]);
      return uploads.length;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
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
}

export interface VerifiedObject {
  size: number;
  contentType: string;
  etag: string | null;
}

/** Intent-named queries on `r2_files`. Every read and write is scoped to one owner. */
@Injectable()
export class R2FilesRepository {
  constructor(@InjectRepository(R2File) private readonly files: Repository<R2File>) {}

  async createPending(upload: NewPendingUpload): Promise<R2File> {
    return this.files.save(this.files.create({ ...upload, status: 'pending' }));
  }

  findOwnedByKey(userId: string, objectKey: string): Promise<R2File | null> {
    return this.files.findOneBy({ userId, objectKey });
  }

  /**
   * Moves a pending upload to `uploaded` with what the store reported. Only one caller can win
   * (the `status = 'pending'` guard): returns false when the row was no longer pending.
   * The timestamp is kept at millisecond precision so page cursors (JS dates) match it exactly.
   */
  async markUploaded(id: number, object: VerifiedObject): Promise<Date | null> {
    const result = await this.files
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
      .where('id = :id AND status = :pending', { id, pending: 'pending' })
      .returning(['upload_timestamp'])
      .execute();
    const row = (result.raw as { upload_timestamp: Date }[])[0];
    return row ? row.upload_timestamp : null;
  }

  async markRejected(id: number): Promise<void> {
    await this.files.update({ id, status: 'pending' }, { status: 'rejected', expiresAt: null });
  }

  /** One page of the owner's uploaded files, newest first, after `after` when given. */
  async listPage(userId: string, limit: number, after: PagePosition | null): Promise<R2File[]> {
    const query = this.files
      .createQueryBuilder('file')
      .where('file.user_id = :userId', { userId })
      .andWhere(`file.status = 'uploaded'`)
      .orderBy('file.upload_timestamp', 'DESC')
      .addOrderBy('file.id', 'DESC')
      .limit(limit);
    if (after) {
      query.andWhere('(file.upload_timestamp, file.id) < (:afterTimestamp, :afterId)', {
        afterTimestamp: after.uploadTimestamp,
        afterId: after.id,
      });
    }
    return query.getMany();
  }
}

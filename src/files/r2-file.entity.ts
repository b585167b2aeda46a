import { Check, Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';

export type UploadStatus = 'pending' | 'uploaded' | 'rejected' | 'deleting';

/** node-postgres returns BIGINT as a string; sizes and ids stay far below 2^53, so numbers are safe. */
const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * One object in the bucket and what we know about it. The seed guide's columns (`id`,
 * `object_key`, `file_url`, `user_id`, `upload_timestamp`) keep their names; a row starts
 * `pending` when a URL is presigned and becomes `uploaded` once the object is verified.
 */
@Entity({ name: 'r2_files' })
@Check('CHK_r2_files_status', `"status" IN ('pending', 'uploaded', 'rejected', 'deleting')`)
@Check('CHK_r2_files_sizes', `"size" >= 0 AND "declared_size" >= 0`)
@Check('CHK_r2_files_user_id', `"user_id" <> ''`)
@Check('CHK_r2_files_parts', `"multipart_upload_id" IS NULL OR ("part_size" > 0 AND "part_count" BETWEEN 1 AND 10000)`)
@Index('r2_files_user_listing_idx', ['userId', 'uploadTimestamp', 'id'], { where: `status = 'uploaded'` })
@Index('r2_files_pending_expiry_idx', ['expiresAt'], { where: `status = 'pending'` })
@Index('r2_files_user_pending_idx', ['userId', 'urlExpiresAt'], { where: `status = 'pending'` })
export class R2File {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  @Generated('increment')
  id!: number;

  @Column({ name: 'object_key', type: 'text', unique: true })
  objectKey!: string;

  /** Public URL when the bucket is public; null for private buckets (use a presigned download). */
  @Column({ name: 'file_url', type: 'text', nullable: true })
  fileUrl!: string | null;

  /** The owner: `sub` of the access token (local user id or external identity). */
  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  /** When the upload was confirmed (set again at confirmation). */
  @Column({ name: 'upload_timestamp', type: 'timestamptz', default: () => 'now()' })
  uploadTimestamp!: Date;

  /** The original name, NFC-normalised, for display and downloads. */
  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  /** Size the client declared when asking for the URL (signed into it), if any. */
  @Column({ name: 'declared_size', type: 'bigint', nullable: true, transformer: bigintToNumber })
  declaredSize!: number | null;

  /** Size of the stored object, read from the bucket at confirmation. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  size!: number | null;

  @Column({ type: 'text', nullable: true })
  etag!: string | null;

  @Column({ type: 'text', default: 'pending' })
  status!: UploadStatus;

  /** Until when a pending upload may be completed; null once uploaded. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /**
   * Until when a pending upload can still be started: its presigned PUT URL's expiry (multipart:
   * the row's own expiry). The per-user cap counts only pending uploads before this time.
   */
  @Column({ name: 'url_expires_at', type: 'timestamptz', nullable: true })
  urlExpiresAt!: Date | null;

  /** The store's id of a multipart upload; null for single-PUT uploads. */
  @Column({ name: 'multipart_upload_id', type: 'text', nullable: true, unique: true })
  multipartUploadId!: string | null;

  /** Bytes per part of a multipart upload (every part but the last). */
  @Column({ name: 'part_size', type: 'bigint', nullable: true, transformer: bigintToNumber })
  partSize!: number | null;

  @Column({ name: 'part_count', type: 'integer', nullable: true })
  partCount!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { ApiProperty } from '@nestjs/swagger';

/** A verified, stored file of the caller. */
export class FileDto {
  /**
   * The file's id, for `/files/{id}`.
   * @example 42
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  id!: number;
  /**
   * Key of the object in the bucket.
   * @example "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  objectKey!: string;
  /**
   * Public URL (public bucket), or null for a private bucket.
   * @example "https://pub-0123456789abcdef.r2.dev/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  fileUrl!: string | null;
  /**
   * The original file name.
   * @example "test-image.png"
   */
  fileName!: string;
  /**
   * Media type of the stored object.
   * @example "image/png"
   */
  contentType!: string;
  /**
   * Size of the stored object in bytes.
   * @example 48213
   */
  @ApiProperty({ type: 'integer', minimum: 0 })
  size!: number;
  /**
   * The store's ETag of the object.
   * @example "\"9b2cf535f27731c974343645a3985328\""
   */
  etag!: string | null;
  /**
   * When the upload was confirmed.
   * @example "2026-01-15T09:30:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  uploadTimestamp!: string;
}

/** A verified, stored file of the caller. */
export class FileDto {
  /** @example 42 */
  id!: number;
  /** Key of the object in the bucket. */
  objectKey!: string;
  /** Public URL (public bucket), or null for a private bucket. */
  fileUrl!: string | null;
  /** The original file name. */
  fileName!: string;
  /** Media type of the stored object. */
  contentType!: string;
  /** Size of the stored object in bytes. */
  size!: number;
  /** The store's ETag of the object. */
  etag!: string | null;
  /** When the upload was confirmed (ISO 8601). */
  uploadTimestamp!: string;
}

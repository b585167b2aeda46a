import type { R2File } from './r2-file.entity.js';

/*
 * Three kinds of upload share r2_files, told apart by their part columns:
 * - a single PUT (`POST /presign-upload`, or PutObject signed by `POST /uploads/sign`): no parts;
 * - a multipart upload planned by the API (`POST /files/multipart`): `part_size` and `part_count`
 *   set, and the store's upload id once it has one;
 * - a multipart upload the client drives itself (CreateMultipartUpload signed by `POST /uploads/sign`,
 *   Uppy 6): the client cuts the file and the store hands the upload id to the client, so only
 *   `part_count` is set — the most parts the file may have (10,000, or fewer for a declared size).
 * The sweeper and cancels abort every multipart upload open under the key of a row with a part count.
 */

/** A multipart upload started by `POST /files/multipart`: completed through its own routes, never by save-metadata. */
export function isPlannedMultipartUpload(upload: Pick<R2File, 'partSize'>): boolean {
  return upload.partSize !== null;
}

/** A multipart upload the client drives itself through `POST /uploads/sign`; recorded by save-metadata. */
export function isClientMultipartUpload(upload: Pick<R2File, 'partSize' | 'partCount'>): boolean {
  return upload.partSize === null && upload.partCount !== null;
}

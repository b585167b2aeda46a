/** Object-size limits of the S3 protocol and Cloudflare R2, in one place for config, DTOs and the part planner. */

/** The largest object: 5 TiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** The largest single PUT (and the largest part): 5 GiB. Bigger files need a multipart upload. */
export const SINGLE_PUT_MAX_BYTES = 5 * 1024 ** 3;

/** The smallest part of a multipart upload, except the last: 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** The most parts one multipart upload may have. */
export const MAX_PARTS = 10_000;

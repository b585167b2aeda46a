import type {
  CompletedPart,
  MultipartCompletion,
  PresignedRequest,
  PresignGetInput,
  PresignMultipartInput,
  PresignPartInput,
  PresignPutInput,
  StoredObject,
  StoredPart,
} from './storage.types.js';

/**
 * The object store as the features need it: presigned URLs for clients, the few object operations
 * the API does itself, and multipart bookkeeping. Features depend on this port (it is also the
 * injection token), never on the adapter: `R2Service` implements it for any S3-compatible store.
 * Store failures surface as `STORAGE_UNAVAILABLE` (503); a missing object or upload is `null`.
 * Bucket administration (CORS, the readiness probe) is not here: see `BucketAdmin`.
 */
export abstract class ObjectStore {
  /** The public URL of a key when the bucket is public (`R2_PUBLIC_BASE_URL`), else null. */
  abstract publicUrlFor(key: string): string | null;

  /**
   * A URL that lets its holder PUT exactly one object, with the signed `Content-Type` (and
   * `Content-Length` when the size is known: the body must then be exactly that many bytes).
   */
  abstract presignPut(input: PresignPutInput): Promise<PresignedRequest>;

  /** A URL that downloads one object, with the `Content-Disposition` the store must answer with. */
  abstract presignGet(input: PresignGetInput): Promise<PresignedRequest>;

  /** A URL that lets its holder PUT one part of a multipart upload (of exactly `contentLength` bytes, when given). */
  abstract presignUploadPart(input: PresignPartInput): Promise<PresignedRequest>;

  /** A URL for one multipart-upload request the client sends to the store itself (start, list parts, complete, abort). */
  abstract presignMultipartRequest(input: PresignMultipartInput): Promise<PresignedRequest>;

  /** Metadata of a stored object, or null when there is none under that key. */
  abstract head(key: string): Promise<StoredObject | null>;

  /** The first `length` bytes of an object (never the whole object), or null if absent. */
  abstract readPrefix(key: string, length: number): Promise<Buffer | null>;

  /** Deletes an object; deleting a missing key succeeds. */
  abstract delete(key: string): Promise<void>;

  /** Deletes many objects, a few at a time. */
  abstract deleteMany(keys: readonly string[]): Promise<void>;

  /** Starts a multipart upload (the content type is fixed here, once for the whole object); returns its id. */
  abstract createMultipartUpload(key: string, contentType: string): Promise<string>;

  /** The parts stored so far, in order; null when the store knows no such upload. */
  abstract listParts(key: string, uploadId: string): Promise<StoredPart[] | null>;

  /** Assembles the parts into the object (see `MultipartCompletion` for the outcomes). */
  abstract completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<MultipartCompletion>;

  /** Aborts a multipart upload and frees its parts; an unknown upload counts as aborted. */
  abstract abortMultipartUpload(key: string, uploadId: string): Promise<void>;

  /**
   * Aborts every multipart upload still open under exactly `key`, whoever started it and whether
   * or not its id was ever recorded (a CreateMultipartUpload whose answer was lost); returns how
   * many were aborted.
   */
  abstract abortMultipartUploadsUnder(key: string): Promise<number>;
}

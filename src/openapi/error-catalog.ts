import type { ErrorCode } from '../common/errors/error-codes.js';
import type { ErrorDetails } from '../common/errors/error-details.js';

type CatalogEntry<C extends ErrorCode> = {
  /** What the code means and what the client should do: the schema's description. */
  meaning: string;
  /** A real `error` sentence of this code, for the examples. */
  example: string;
  /** Whether the answer carries `Retry-After` (seconds): always, or when the server knows. */
  retryAfter?: 'always' | 'when-known';
} & ([ErrorDetails<C>] extends [never] ? { details?: never } : { details: ErrorDetails<C> });

/**
 * Every error code as the OpenAPI document explains it. Keyed by every code, so a new code does
 * not compile until it is documented; the example details are typed like the real ones.
 */
export const ERROR_CATALOG: { [C in ErrorCode]: CatalogEntry<C> } = {
  VALIDATION_FAILED: {
    meaning: 'A field is missing, of the wrong type, out of range, or unknown; `details` names each field and its problems.',
    example: 'fileName must not contain control or bidirectional-override characters',
    details: [{ field: 'fileName', problems: ['fileName must not contain control or bidirectional-override characters'] }],
  },
  INVALID_JSON: {
    meaning: 'The body is not valid JSON, or nests arrays and objects deeper than 32 levels.',
    example: 'The request body is not valid JSON',
  },
  INVALID_CURSOR: {
    meaning: '`cursor` is not a `nextCursor` this API issued (forged, truncated or out of range): start again from the first page.',
    example: 'cursor is not a cursor returned by this API: start again from the first page',
    details: [{ field: 'cursor', problems: ['cursor must be the nextCursor of a previous page'] }],
  },
  BAD_REQUEST: {
    meaning:
      'The request could not be read: its URL path is not valid percent-encoded UTF-8, it is not valid HTTP ' +
      '(bad request line, bad chunking), or its body is shorter than its Content-Length.',
    example: 'The URL path is not valid percent-encoded UTF-8',
  },
  REQUEST_TIMEOUT: {
    meaning:
      'The client did not send its headers (HTTP_HEADERS_TIMEOUT) or its whole request (HTTP_REQUEST_TIMEOUT) in time; the connection is closed.',
    example: 'The request was not received in time',
  },
  HEADERS_TOO_LARGE: {
    meaning: 'The request headers exceed 16 KB; the connection is closed.',
    example: 'The request headers are too large',
  },
  AUTH_REQUIRED: {
    meaning: 'No bearer token: send `Authorization: Bearer <accessToken>`.',
    example: 'Authentication required: send "Authorization: Bearer <accessToken>"',
  },
  TOKEN_INVALID: {
    meaning: 'The token is malformed, or its signature, algorithm, issuer or audience is wrong.',
    example: 'The access token is not valid',
  },
  TOKEN_EXPIRED: { meaning: 'The token has expired: log in again.', example: 'The access token has expired; log in again' },
  INVALID_CREDENTIALS: {
    meaning: 'Login failed: unknown email or wrong password (indistinguishable).',
    example: 'Invalid email or password',
  },
  FORBIDDEN: { meaning: 'The caller may not do this.', example: 'Forbidden resource' },
  OPERATION_NOT_SIGNED: {
    meaning:
      '`POST /uploads/sign` signs only the S3 requests of an upload (PutObject, CreateMultipartUpload, UploadPart, ListParts, ' +
      'CompleteMultipartUpload, AbortMultipartUpload); downloads and deletes have their own routes.',
    example: 'Only upload requests are signed here; download a file through GET /files/{id}/download-url',
  },
  ROUTE_NOT_FOUND: { meaning: 'No such route.', example: 'Cannot GET /no-such-route' },
  UPLOAD_NOT_FOUND: {
    meaning: 'No upload with this key or id was started by the caller (another user’s answers the same).',
    example: 'No upload with this objectKey was started by you',
  },
  UPLOAD_EXPIRED: {
    meaning: 'The upload’s confirm window has passed: start a new one.',
    example: 'This upload expired before it was confirmed; start a new one',
  },
  FILE_NOT_FOUND: {
    meaning: 'The caller has no file with this id (another user’s answers the same).',
    example: 'You have no file with this id',
  },
  METHOD_NOT_ALLOWED: { meaning: 'The route does not support this method.', example: 'Method Not Allowed' },
  EMAIL_TAKEN: { meaning: 'An account with this email exists.', example: 'An account with this email already exists' },
  OBJECT_NOT_UPLOADED: {
    meaning: 'Nothing is in the bucket under this key yet: PUT the file, then confirm again (the upload stays pending).',
    example: 'Nothing has been uploaded under this objectKey yet; upload the file first',
  },
  UPLOAD_CONFIRMED: {
    meaning: 'The upload was confirmed and is a file now: there is nothing to cancel; delete the file with `DELETE /files/{id}`.',
    example: 'This upload was confirmed as file 42; delete it with DELETE /files/42',
  },
  INVALID_PARTS: {
    meaning:
      'The parts named are not (correctly) uploaded. `details` lists the missing and mismatching part numbers; ' +
      'it is absent when the store refused the list without saying which.',
    example: 'Some parts are not ready (not uploaded: 3; wrong ETag or size: 7); upload them and complete again',
    details: { missing: [3], mismatched: [7] },
  },
  UPLOAD_REJECTED: {
    meaning: 'The upload failed verification earlier (or is no longer in progress): start a new one.',
    example: 'This upload was rejected; start a new one',
  },
  SIZE_MISMATCH: {
    meaning: 'The stored object’s size differs from the declared `size`; the object was deleted.',
    example: 'The uploaded object is 1000 bytes, but 48213 were declared',
  },
  CONTENT_TYPE_MISMATCH: {
    meaning: 'The stored object’s type differs from the presigned one; the object was deleted.',
    example: 'The uploaded object has type text/plain, not image/png',
  },
  FILE_SIGNATURE_MISMATCH: {
    meaning: 'The bytes are not of the declared type (e.g. a “PNG” that is not one); the object was deleted.',
    example: 'The uploaded bytes are not a image/png file',
  },
  FILE_TOO_LARGE: {
    meaning: 'The file is (or was declared) larger than the limit; `details` gives both sizes.',
    example: 'The file is 209715200 bytes; the limit is 104857600',
    details: { size: 209715200, maxSize: 104857600 },
  },
  CONTENT_TYPE_NOT_ALLOWED: {
    meaning: 'The media type is not allowed (UPLOAD_ALLOWED_TYPES); `details` lists the allowed ones.',
    example: 'Uploads of type application/x-msdownload are not accepted',
    details: { allowedTypes: ['image/*', 'application/pdf'] },
  },
  PAYLOAD_TOO_LARGE: { meaning: 'The JSON body exceeds 16 KB.', example: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: {
    meaning: 'The body’s charset or Content-Encoding is not supported (send UTF-8 JSON).',
    example: 'The request body encoding is not supported',
  },
  RATE_LIMITED: {
    meaning: 'Too many register or login attempts from this IP: wait `Retry-After` seconds.',
    example: 'Too many attempts; try again in 42 seconds',
    retryAfter: 'always',
  },
  TOO_MANY_PENDING_UPLOADS: {
    meaning: 'Too many uploads await confirmation (UPLOAD_MAX_PENDING_PER_USER): confirm them or wait until they expire.',
    example: 'You have 100 uploads waiting for confirmation; confirm them or wait until they expire',
  },
  INTERNAL_ERROR: { meaning: 'A bug: quote the `requestId`.', example: 'Internal server error' },
  STORAGE_UNAVAILABLE: {
    meaning: 'The object store failed, or did not answer within its bounds (STORAGE_*); retry after `Retry-After` seconds.',
    example: 'The file store is unavailable; try again shortly',
    retryAfter: 'always',
  },
  DATABASE_UNAVAILABLE: {
    meaning: 'The database failed, or did not answer within its bounds (DATABASE_*); retry after `Retry-After` seconds.',
    example: 'The database is unavailable; try again shortly',
    retryAfter: 'always',
  },
  NOT_READY: {
    meaning: 'A readiness check failed; `details` is the health report naming the failing dependency.',
    example: 'A dependency is not available',
    details: {
      status: 'error',
      info: { bucket: { status: 'up' } },
      error: { database: { status: 'down', message: 'timeout of 2000ms exceeded' } },
      details: { database: { status: 'down', message: 'timeout of 2000ms exceeded' }, bucket: { status: 'up' } },
    },
  },
};

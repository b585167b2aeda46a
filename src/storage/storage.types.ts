/** The HTTP methods of the S3 requests the API presigns. */
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface PresignPutInput {
  key: string;
  contentType: string;
  /** Signed as `Content-Length`: the store refuses a body of any other size. */
  contentLength?: number;
  expiresInSeconds: number;
}

export interface PresignGetInput {
  key: string;
  /** Sent back by the store as the download's `Content-Disposition`. */
  contentDisposition: string;
  expiresInSeconds: number;
}

export interface PresignPartInput {
  key: string;
  uploadId: string;
  partNumber: number;
  /**
   * Signed as `Content-Length`: the store refuses a part of any other size. Omitted when the client
   * cuts the file itself and the part's length is unknown (the store's own rules still apply).
   */
  contentLength?: number;
  expiresInSeconds: number;
}

/**
 * A multipart-upload request a client sends to the store itself (Uppy 6 signs each S3 request
 * through the API): starting an upload (the content type is signed, so the object gets that type),
 * listing its parts, completing or aborting it.
 */
export type PresignMultipartInput =
  | { operation: 'CreateMultipartUpload'; key: string; contentType: string; expiresInSeconds: number }
  | {
      operation: 'ListParts' | 'CompleteMultipartUpload' | 'AbortMultipartUpload';
      key: string;
      uploadId: string;
      expiresInSeconds: number;
    };

export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface PresignedRequest {
  url: string;
  method: HttpMethod;
  /**
   * Headers the client must send exactly as given, because they are part of the signature. Only
   * headers a browser script may set: a signed `Content-Length` is not listed (every client sends
   * it from the body; the signature makes the store refuse any other length).
   */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface StoredObject {
  size: number;
  contentType: string | null;
  etag: string | null;
}

/**
 * How a multipart completion ended: `no-such-upload` when the store no longer knows the upload
 * (already completed or aborted), `invalid-parts` when it refuses the part list.
 */
export type MultipartCompletion = 'completed' | 'no-such-upload' | 'invalid-parts';

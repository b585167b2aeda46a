import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Inject, Injectable } from '@nestjs/common';

import { AppError } from '../common/errors/app-error.js';
import { type StorageConfig, storageConfig } from '../config/configuration.js';
import type { ObjectStore } from './object-store.js';
import type { HeadAnswer, PresignedHead } from './presigned-head.js';
import { PRESIGNED_HEAD, S3_CLIENT, STORE_URL_SIGNER, URL_SIGNER } from './storage.tokens.js';
import type {
  CompletedPart,
  HttpMethod,
  MultipartCompletion,
  PresignedRequest,
  PresignGetInput,
  PresignMultipartInput,
  PresignPartInput,
  PresignPutInput,
  StoredObject,
  StoredPart,
} from './storage.types.js';
import type { UrlSigner } from './url-signer.js';

/** A HEAD URL is used at once, by the API itself: a short lifetime covers every retry. */
const HEAD_URL_LIFETIME_SECONDS = 60;

/**
 * The `ObjectStore` for Cloudflare R2 and every S3-compatible store (MinIO, AWS S3, emulators).
 * Object calls go through the SDK client; presigned URLs through `UrlSigner`, without a round trip
 * (pure computation: the promises are only the port's shape).
 * Store failures surface as `STORAGE_UNAVAILABLE` (503); a missing object is `null`.
 */
@Injectable()
export class R2Service implements ObjectStore {
  constructor(
    @Inject(S3_CLIENT) private readonly client: S3Client,
    @Inject(URL_SIGNER) private readonly signer: UrlSigner,
    @Inject(STORE_URL_SIGNER) private readonly storeSigner: UrlSigner,
    @Inject(PRESIGNED_HEAD) private readonly heads: PresignedHead,
    @Inject(storageConfig.KEY) private readonly config: StorageConfig,
  ) {}

  /** The public URL of a key when the bucket is public (`R2_PUBLIC_BASE_URL`), else null. */
  publicUrlFor(key: string): string | null {
    return this.config.publicBaseUrl ? `${this.config.publicBaseUrl}/${encodeKey(key)}` : null;
  }

  /**
   * A URL that lets its holder PUT exactly one object. `Content-Type` is bound into the signature
   * (the SDK's presigner would sign only `host`, so any type would be accepted) and so is
   * `Content-Length` when a size is given. The headers returned are only those a client sets itself
   * (`Content-Type`): every HTTP client, browsers included, sends `Content-Length` from the body, and
   * browsers refuse to let a script set it — so the signed length simply makes the store refuse a
   * body of any other size.
   */
  presignPut(input: PresignPutInput): Promise<PresignedRequest> {
    const headers = { 'Content-Type': input.contentType };
    const url = this.signer.presign({
      method: 'PUT',
      key: input.key,
      query: { 'x-id': 'PutObject' },
      signedHeaders: withContentLength(headers, input.contentLength),
      expiresInSeconds: input.expiresInSeconds,
    });
    return Promise.resolve({ url, method: 'PUT', headers, expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000) });
  }

  /** A URL that downloads one object, with the `Content-Disposition` the store must answer with. */
  presignGet(input: PresignGetInput): Promise<PresignedRequest> {
    const url = this.signer.presign({
      method: 'GET',
      key: input.key,
      query: { 'response-content-disposition': input.contentDisposition, 'x-id': 'GetObject' },
      expiresInSeconds: input.expiresInSeconds,
    });
    return Promise.resolve({ url, method: 'GET', headers: {}, expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000) });
  }

  /**
   * Metadata of a stored object, or null when there is none under that key. HeadObject through a
   * presigned URL and plain node:http (PresignedHead), not the SDK client: the same request and
   * bounds at a fraction of the CPU, on the path of every confirm.
   */
  async head(key: string): Promise<StoredObject | null> {
    let answer: HeadAnswer;
    try {
      answer = await this.heads.head(() => this.storeSigner.presign({ method: 'HEAD', key, expiresInSeconds: HEAD_URL_LIFETIME_SECONDS }));
    } catch (error) {
      throw storageUnavailable(error);
    }
    if (answer.status === 404) return null;
    if (answer.status !== 200) {
      throw storageUnavailable(
        Object.assign(new Error('HeadObject refused'), { name: 'HeadObject', $metadata: { httpStatusCode: answer.status } }),
      );
    }
    const { 'content-length': length, 'content-type': contentType, etag } = answer.headers;
    return { size: Number(length ?? 0), contentType: contentType ?? null, etag: etag ?? null };
  }

  /** The first `length` bytes of an object (a ranged GET: never the whole object), or null if absent. */
  async readPrefix(key: string, length: number): Promise<Buffer | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key, Range: `bytes=0-${length - 1}` }));
      const bytes = object.Body ? Buffer.from(await object.Body.transformToByteArray()) : Buffer.alloc(0);
      // A store that ignores Range still must not make us hold more than asked for.
      return bytes.subarray(0, length);
    } catch (error) {
      if (isNotFound(error) || isInvalidRange(error)) return isNotFound(error) ? null : Buffer.alloc(0);
      throw storageUnavailable(error);
    }
  }

  /**
   * Deletes many objects, a few at a time. One DeleteObject per key rather than DeleteObjects:
   * it works on every S3-compatible store, and batches here are small (sweeper pages).
   */
  async deleteMany(keys: readonly string[], concurrency = 8): Promise<void> {
    const queue = [...keys];
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) await this.delete(key);
    });
    await Promise.all(workers);
  }

  /** Starts a multipart upload; the content type is fixed here, once for the whole object. */
  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    try {
      const { UploadId } = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, ContentType: contentType }),
      );
      if (!UploadId) throw new Error('the store returned no UploadId');
      return UploadId;
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  /** A URL that lets its holder PUT one part, of exactly `contentLength` bytes (signed; sent by the client from the body). */
  presignUploadPart(input: PresignPartInput): Promise<PresignedRequest> {
    const url = this.signer.presign({
      method: 'PUT',
      key: input.key,
      query: { 'x-id': 'UploadPart', partNumber: String(input.partNumber), uploadId: input.uploadId },
      signedHeaders: withContentLength({}, input.contentLength),
      expiresInSeconds: input.expiresInSeconds,
    });
    return Promise.resolve({ url, method: 'PUT', headers: {}, expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000) });
  }

  /**
   * A URL for one multipart-upload request the client sends to the store itself. Starting one signs
   * its `Content-Type` (returned in `headers`: the client must send it), which the object then gets.
   */
  presignMultipartRequest(input: PresignMultipartInput): Promise<PresignedRequest> {
    const { method, query } = multipartRequest(input);
    const headers: Record<string, string> = input.operation === 'CreateMultipartUpload' ? { 'Content-Type': input.contentType } : {};
    const url = this.signer.presign({
      method,
      key: input.key,
      query,
      signedHeaders: headers,
      expiresInSeconds: input.expiresInSeconds,
    });
    return Promise.resolve({ url, method, headers, expiresAt: new Date(Date.now() + input.expiresInSeconds * 1000) });
  }

  /** The parts stored so far, in order; null when the store knows no such upload. */
  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const page = await this.client.send(
          new ListPartsCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker, MaxParts: 1000 }),
        );
        for (const part of page.Parts ?? []) {
          parts.push({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '', size: part.Size ?? 0 });
        }
        if (!page.IsTruncated || !page.NextPartNumberMarker) return parts;
        marker = page.NextPartNumberMarker;
      }
    } catch (error) {
      if (isNoSuchUpload(error)) return null;
      throw storageUnavailable(error);
    }
  }

  /**
   * Assembles the parts into the object. Returns 'no-such-upload' when the store no longer knows
   * the upload (already completed or aborted) and 'invalid-parts' when it refuses the part list.
   */
  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<MultipartCompletion> {
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
        }),
      );
      return 'completed';
    } catch (error) {
      if (isNoSuchUpload(error)) return 'no-such-upload';
      const name = (error as { name?: string }).name;
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') return 'invalid-parts';
      throw storageUnavailable(error);
    }
  }

  /** Aborts a multipart upload and frees its parts; an unknown upload counts as aborted. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!isNoSuchUpload(error) && !isNotFound(error)) throw storageUnavailable(error);
    }
  }

  /**
   * Aborts every multipart upload open under exactly `key`: ListMultipartUploads with the key as
   * prefix (which also returns longer keys, filtered out here), then one abort each.
   */
  async abortMultipartUploadsUnder(key: string): Promise<number> {
    const uploadIds: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      for (;;) {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.config.bucket,
            Prefix: key,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const upload of page.Uploads ?? []) if (upload.Key === key && upload.UploadId) uploadIds.push(upload.UploadId);
        if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) break;
        keyMarker = page.NextKeyMarker;
        uploadIdMarker = page.NextUploadIdMarker;
      }
    } catch (error) {
      throw storageUnavailable(error);
    }
    for (const uploadId of uploadIds) await this.abortMultipartUpload(key, uploadId);
    return uploadIds.length;
  }

  /** Deletes an object; deleting a missing key succeeds (S3 semantics). */
  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
    } catch (error) {
      if (!isNotFound(error)) throw storageUnavailable(error);
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function isNoSuchUpload(error: unknown): boolean {
  return (error as { name?: string })?.name === 'NoSuchUpload';
}

/** An empty object has no byte 0: S3 answers a range request on it with 416 InvalidRange. */
function isInvalidRange(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'InvalidRange' || e?.$metadata?.httpStatusCode === 416;
}

function storageUnavailable(cause: unknown): AppError {
  const error = new AppError('STORAGE_UNAVAILABLE', 'The file store is unavailable; try again shortly');
  error.cause = cause;
  return error;
}

/** The method and query of a multipart-upload request, exactly as the SDK spells them (a test compares). */
export function multipartRequest(input: PresignMultipartInput): { method: HttpMethod; query: Record<string, string> } {
  switch (input.operation) {
    case 'CreateMultipartUpload':
      return { method: 'POST', query: { uploads: '' } };
    case 'ListParts':
      return { method: 'GET', query: { uploadId: input.uploadId, 'x-id': input.operation } };
    case 'CompleteMultipartUpload':
      return { method: 'POST', query: { uploadId: input.uploadId } };
    case 'AbortMultipartUpload':
      return { method: 'DELETE', query: { uploadId: input.uploadId, 'x-id': input.operation } };
  }
}

/** The headers to sign: those the client sets, plus `Content-Length` when the exact size is known. */
function withContentLength(headers: Record<string, string>, contentLength: number | undefined): Record<string, string> {
  return contentLength === undefined ? headers : { ...headers, 'Content-Length': String(contentLength) };
}

/** Keys are URL paths: encode each segment but keep the slashes. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

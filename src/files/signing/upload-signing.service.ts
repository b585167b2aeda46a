import { Inject, Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { AppError } from '../../common/errors/app-error.js';
import { MAX_PARTS, MIN_PART_BYTES } from '../../common/object-size-limits.js';
import { type UploadsConfig, uploadsConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import type { PresignedRequest } from '../../storage/storage.types.js';
import { R2FilesRepository } from '../r2-files.repository.js';
import { isClientMultipartUpload } from '../upload-kind.js';
import { UploadLifecycle } from '../uploads/upload-lifecycle.js';
import { UploadsService } from '../uploads/uploads.service.js';
import type { SignableMethod, SignedUploadRequestDto, SignUploadRequestDto } from './dto/sign-upload-request.dto.js';
import { fileNameFor, type UploadOperation, uploadOperationOf } from './s3-request.js';

/**
 * Signs the S3 requests of a browser that talks to the store itself (Uppy 6's `signRequest`),
 * but only those consistent with the caller's own pending uploads: PutObject and
 * CreateMultipartUpload start a new upload under a key the API issues (same rules, limits and cap
 * as `POST /presign-upload`); UploadPart, ListParts, CompleteMultipartUpload and
 * AbortMultipartUpload continue a multipart upload the caller started here. The file is then
 * recorded by `POST /save-metadata`, verified like any other.
 */
@Injectable()
export class UploadSigningService {
  constructor(
    private readonly uploads: UploadsService,
    private readonly lifecycle: UploadLifecycle,
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  async sign(user: AuthenticatedUser, request: SignUploadRequestDto): Promise<SignedUploadRequestDto> {
    const operation = uploadOperationOf(request);
    if (operation === 'PutObject') return this.putObject(user, request);
    if (operation === 'CreateMultipartUpload') return this.createMultipartUpload(user, request);
    return this.continueMultipartUpload(user, request, operation);
  }

  /** A single PUT: exactly `POST /presign-upload` (the key Uppy proposed is only a file name). */
  private async putObject(user: AuthenticatedUser, request: SignUploadRequestDto): Promise<SignedUploadRequestDto> {
    const contentType = required(request.contentType, 'contentType', 'contentType is required for PutObject');
    const presigned = await this.uploads.presignUpload(user, { fileName: fileNameFor(request), contentType, size: request.size });
    return {
      url: presigned.presignedUrl,
      key: presigned.objectKey,
      method: 'PUT',
      headers: presigned.uploadHeaders,
      expiresAt: presigned.expiresAt,
    };
  }

  /**
   * A multipart upload the client drives: a new key and a pending row (rules, limits, cap) with
   * no upload id — the store gives it to the client — and the most parts the file may have.
   * The content type is signed, so the assembled object has the type that was checked.
   */
  private async createMultipartUpload(user: AuthenticatedUser, request: SignUploadRequestDto): Promise<SignedUploadRequestDto> {
    const contentType = required(
      request.contentType,
      'contentType',
      "contentType is required for CreateMultipartUpload: Uppy does not pass it there, add the file's type (see README)",
    );
    this.lifecycle.assertAllowed(contentType, request.size, this.config.maxSize, this.config.requireSize);
    const { fileName, objectKey, publicFileUrl } = this.lifecycle.newObject(fileNameFor(request));
    const presigned = await this.storage.presignMultipartRequest({
      operation: 'CreateMultipartUpload',
      key: objectKey,
      contentType,
      expiresInSeconds: this.config.presignExpiresInSeconds,
    });
    const expiresAt = new Date(Date.now() + this.config.multipart.ttlSeconds * 1000);
    await this.lifecycle.recordPending({
      userId: user.id,
      objectKey,
      fileUrl: publicFileUrl,
      fileName,
      contentType,
      declaredSize: request.size ?? null,
      expiresAt,
      urlExpiresAt: expiresAt,
      partCount: mostPartsFor(request.size),
    });
    return answer(objectKey, presigned, request.method);
  }

  /** The other requests of a multipart upload, only for the caller's own, still pending one. */
  private async continueMultipartUpload(
    user: AuthenticatedUser,
    request: SignUploadRequestDto,
    operation: Exclude<UploadOperation, 'PutObject' | 'CreateMultipartUpload'>,
  ): Promise<SignedUploadRequestDto> {
    const upload = await this.files.findOwnedByKey(user.id, request.key);
    // Someone else's key, a key never issued and an upload started otherwise all answer the same.
    if (!upload || upload.status !== 'pending' || !isClientMultipartUpload(upload)) {
      throw new AppError('UPLOAD_NOT_FOUND', 'No multipart upload under this key was started by you through this route');
    }
    // Aborting stays possible to the end: it only frees the store.
    if (operation !== 'AbortMultipartUpload' && upload.expiresAt && upload.expiresAt.getTime() <= Date.now()) {
      throw new AppError('UPLOAD_EXPIRED', 'This upload expired before it was completed; start a new one');
    }
    const key = upload.objectKey;
    const uploadId = request.uploadId as string;
    const expiresInSeconds = Math.min(request.expiresIn ?? Infinity, this.config.multipart.urlExpiresInSeconds);
    if (operation !== 'UploadPart') {
      return answer(key, await this.storage.presignMultipartRequest({ operation, key, uploadId, expiresInSeconds }), request.method);
    }
    const partNumber = request.partNumber as number;
    const mostParts = upload.partCount as number;
    if (partNumber > mostParts) {
      const problem = `partNumber must be at most ${mostParts}: a file of ${upload.declaredSize} bytes has no more parts of at least 5 MiB`;
      throw new AppError('VALIDATION_FAILED', problem, [{ field: 'partNumber', problems: [problem] }]);
    }
    return answer(key, await this.storage.presignUploadPart({ key, uploadId, partNumber, expiresInSeconds }), request.method);
  }
}

/** Every part but the last has at least 5 MiB: a declared size bounds the part count. */
function mostPartsFor(size: number | undefined): number {
  return size === undefined ? MAX_PARTS : Math.min(MAX_PARTS, Math.max(1, Math.ceil(size / MIN_PART_BYTES)));
}

/** The answer for Uppy; the method is the request's own (the store's URL was signed for it). */
function answer(key: string, presigned: PresignedRequest, method: SignableMethod): SignedUploadRequestDto {
  return { url: presigned.url, key, method, headers: presigned.headers, expiresAt: presigned.expiresAt.toISOString() };
}

function required<T>(value: T | undefined, field: string, problem: string): T {
  if (value === undefined) throw new AppError('VALIDATION_FAILED', problem, [{ field, problems: [problem] }]);
  return value;
}

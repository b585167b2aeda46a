import { Inject, Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { AppError } from '../../common/errors/app-error.js';
import { SINGLE_PUT_MAX_BYTES } from '../../common/object-size-limits.js';
import { type UploadsConfig, uploadsConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import type { FileDto } from '../dto/file.dto.js';
import type { PresignUploadDto, PresignUploadResponseDto } from '../dto/presign-upload.dto.js';
import type { SaveMetadataDto } from '../dto/save-metadata.dto.js';
import { toFileDto } from '../file.mapper.js';
import { R2FilesRepository } from '../r2-files.repository.js';
import { isPlannedMultipartUpload } from '../upload-kind.js';
import { UploadLifecycle } from './upload-lifecycle.js';

/** The seed guide's flow: one presigned PUT, then a confirmation. */
@Injectable()
export class UploadsService {
  constructor(
    private readonly lifecycle: UploadLifecycle,
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  /** Issues a presigned PUT and records the pending upload, so that only this caller can confirm this key. */
  async presignUpload(user: AuthenticatedUser, request: PresignUploadDto): Promise<PresignUploadResponseDto> {
    this.lifecycle.assertAllowed(
      request.contentType,
      request.size,
      Math.min(this.config.maxSize, SINGLE_PUT_MAX_BYTES),
      this.config.requireSize,
    );
    const { fileName, objectKey, publicFileUrl } = this.lifecycle.newObject(request.fileName);
    const presigned = await this.storage.presignPut({
      key: objectKey,
      contentType: request.contentType,
      contentLength: request.size,
      expiresInSeconds: this.config.presignExpiresInSeconds,
    });
    await this.lifecycle.recordPending({
      userId: user.id,
      objectKey,
      fileUrl: publicFileUrl,
      fileName,
      contentType: request.contentType,
      declaredSize: request.size ?? null,
      // A PUT that started just before the URL expired may finish later: allow a confirm window.
      expiresAt: new Date(presigned.expiresAt.getTime() + this.config.confirmWindowSeconds * 1000),
      // Counted against the cap only while the URL can still be used.
      urlExpiresAt: presigned.expiresAt,
    });
    return {
      success: true,
      presignedUrl: presigned.url,
      objectKey,
      publicFileUrl,
      expiresAt: presigned.expiresAt.toISOString(),
      method: 'PUT',
      uploadHeaders: presigned.headers,
    };
  }

  /**
   * Cancels one of the caller's unconfirmed uploads, single or multipart. The row is hidden first
   * (`deleting`: no confirm can record it any more, and it no longer counts against the cap), then
   * every multipart upload open under the key is aborted and any object deleted, then the row goes.
   * A store failure answers 503 and leaves the hidden row: cancelling again, or the sweeper,
   * finishes it. A single upload whose URL can still be used keeps its hidden row until the URL
   * expires, so a PUT still under way cannot leave an object nobody knows of (see `deleteRow`).
   */
  async cancelUpload(user: AuthenticatedUser, objectKey: string): Promise<void> {
    const upload = await this.files.markCancelling(user.id, objectKey);
    if (!upload) {
      const file = await this.files.findOwnedByKey(user.id, objectKey);
      if (file?.status === 'uploaded') {
        throw new AppError('UPLOAD_CONFIRMED', `This upload was confirmed as file ${file.id}; delete it with DELETE /files/${file.id}`);
      }
      throw new AppError('UPLOAD_NOT_FOUND', 'No unconfirmed upload with this objectKey was started by you');
    }
    if (upload.multipart) await this.storage.abortMultipartUploadsUnder(objectKey);
    await this.storage.delete(objectKey);
    await this.files.deleteRow(user.id, upload.id);
  }

  /** Confirms an upload; confirming again returns the same file. */
  async saveMetadata(user: AuthenticatedUser, request: SaveMetadataDto): Promise<FileDto> {
    const upload = await this.files.findOwnedByKey(user.id, request.objectKey);
    // A key issued to someone else answers exactly like a key that does not exist; so do a cancelled
    // upload's and that of a multipart upload planned by /files/multipart (even before its upload id
    // is recorded), which its own route completes. One the client drove itself through /uploads/sign
    // is recorded here, like a single PUT.
    if (!upload || isPlannedMultipartUpload(upload) || upload.status === 'deleting') {
      throw new AppError('UPLOAD_NOT_FOUND', 'No upload with this objectKey was started by you');
    }
    if (request.publicFileUrl != null && request.publicFileUrl !== upload.fileUrl) {
      throw new AppError('VALIDATION_FAILED', 'publicFileUrl does not match the URL issued for this objectKey', [
        { field: 'publicFileUrl', problems: ['publicFileUrl must be the publicFileUrl returned by /presign-upload, or be omitted'] },
      ]);
    }
    return toFileDto(await this.lifecycle.confirm(upload));
  }
}

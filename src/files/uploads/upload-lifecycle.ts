import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { AppError } from '../../common/errors/app-error.js';
import { type UploadsConfig, uploadsConfig } from '../../config/configuration.js';
import { ObjectStore } from '../../storage/object-store.js';
import { keySafeFileName, normalizeFileName } from '../file-name.js';
import type { R2File } from '../r2-file.entity.js';
import { type NewPendingUpload, R2FilesRepository } from '../r2-files.repository.js';
import { isMediaTypeAllowed } from '../verification/media-type.js';
import { UploadVerifier } from '../verification/upload-verifier.js';

export interface NewObject {
  /** The display name: NFC, without any client-side directory. */
  fileName: string;
  /** `<random UUID>-<ASCII-safe name>`: unguessable, never raw client input. */
  objectKey: string;
  publicFileUrl: string | null;
}

/**
 * What single-PUT and multipart uploads share: the rules a new upload must meet, its object key,
 * the pending record under the per-user cap, and the confirmation that verifies the stored object
 * before recording it.
 */
@Injectable()
export class UploadLifecycle {
  private readonly logger = new Logger(UploadLifecycle.name);

  constructor(
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    private readonly verifier: UploadVerifier,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  /** Refuses a type outside UPLOAD_ALLOWED_TYPES (415), a size above `maxSize` (413), a missing required size (400). */
  assertAllowed(contentType: string, size: number | undefined, maxSize: number, sizeRequired: boolean): void {
    if (!isMediaTypeAllowed(contentType, this.config.allowedTypes)) {
      throw new AppError('CONTENT_TYPE_NOT_ALLOWED', `Uploads of type ${contentType} are not accepted`, {
        allowedTypes: this.config.allowedTypes,
      });
    }
    if (size === undefined && sizeRequired) {
      throw new AppError('VALIDATION_FAILED', 'size is required: give the file size in bytes', [
        { field: 'size', problems: ['size is required: give the file size in bytes'] },
      ]);
    }
    if (size !== undefined && size > maxSize) {
      throw new AppError('FILE_TOO_LARGE', `The file is ${size} bytes; the limit is ${maxSize}`, { size, maxSize });
    }
  }

  newObject(rawFileName: string): NewObject {
    const fileName = normalizeFileName(rawFileName);
    const objectKey = `${randomUUID()}-${keySafeFileName(fileName)}`;
    return { fileName, objectKey, publicFileUrl: this.storage.publicUrlFor(objectKey) };
  }

  /** Records the pending upload and returns its id, or answers 429 when the owner has too many unconfirmed ones. */
  async recordPending(upload: NewPendingUpload): Promise<number> {
    const pending = await this.files.createPendingWithinQuota(upload, this.config.maxPendingPerUser);
    if (pending === null) {
      throw new AppError(
        'TOO_MANY_PENDING_UPLOADS',
        `You have ${this.config.maxPendingPerUser} uploads waiting for confirmation; confirm them or wait until they expire`,
      );
    }
    return pending;
  }

  /**
   * Confirms an upload. An already confirmed one is returned as is (idempotent); a rejected or
   * expired one is refused. `beforeVerify` runs only for a confirmable pending upload (multipart:
   * assembling the parts). The stored object must then pass verification, or it is deleted and
   * the upload rejected.
   */
  async confirm(upload: R2File, beforeVerify?: () => Promise<void>): Promise<R2File> {
    if (upload.status === 'uploaded') return upload;
    if (upload.status !== 'pending') throw new AppError('UPLOAD_REJECTED', 'This upload was rejected; start a new one');
    if (upload.expiresAt && upload.expiresAt.getTime() <= Date.now()) {
      throw new AppError('UPLOAD_EXPIRED', 'This upload expired before it was confirmed; start a new one');
    }
    await beforeVerify?.();
    return this.verifyAndRecord(upload);
  }

  private async verifyAndRecord(upload: R2File): Promise<R2File> {
    const object = await this.storage.head(upload.objectKey);
    if (!object) {
      throw new AppError('OBJECT_NOT_UPLOADED', 'Nothing has been uploaded under this objectKey yet; upload the file first');
    }
    const failure = await this.verifier.failure(upload, object);
    if (failure) {
      await this.reject(upload);
      throw failure;
    }
    const verified = { size: object.size, contentType: upload.contentType, etag: object.etag };
    const uploadTimestamp = await this.files.markUploaded(upload.userId, upload.id, verified);
    if (uploadTimestamp) return { ...upload, ...verified, status: 'uploaded', expiresAt: null, uploadTimestamp };
    // A concurrent confirmation won the race: answer with what it recorded.
    const current = await this.files.findOwnedByKey(upload.userId, upload.objectKey);
    if (current?.status === 'uploaded') return current;
    if (!current || current.status === 'deleting') throw new AppError('UPLOAD_NOT_FOUND', 'This upload was cancelled; start a new one');
    throw new AppError('UPLOAD_REJECTED', 'This upload was rejected; start a new one');
  }

  /** A failed verification removes the object (it must not linger unrecorded) and the claim. */
  private async reject(upload: R2File): Promise<void> {
    this.logger.warn({ objectKey: upload.objectKey }, 'Rejecting an upload that does not match what was declared');
    await this.storage.delete(upload.objectKey);
    await this.files.markRejected(upload.userId, upload.id);
  }
}

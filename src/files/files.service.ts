import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { AppError } from '../common/errors/app-error.js';
import { uploadsConfig, type UploadsConfig } from '../config/configuration.js';
import { R2Service } from '../storage/r2.service.js';
import type { FileDto } from './dto/file.dto.js';
import { DEFAULT_PAGE_SIZE, type FileListDto, type ListFilesQueryDto } from './dto/list-files.dto.js';
import type { PresignUploadDto, PresignUploadResponseDto } from './dto/presign-upload.dto.js';
import type { SaveMetadataDto } from './dto/save-metadata.dto.js';
import { contentDisposition, type Disposition } from './content-disposition.js';
import type { DownloadUrlDto } from './dto/download-url.dto.js';
import { keySafeFileName, normalizeFileName } from './file-name.js';
import { toFileDto } from './file.mapper.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import type { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';
import { isMediaTypeAllowed } from './verification/media-type.js';
import { UploadVerifier } from './verification/upload-verifier.js';

/** Another user's file answers exactly like a file that does not exist. */
const fileNotFound = () => new AppError('FILE_NOT_FOUND', 'You have no file with this id');

/** S3 and R2 refuse a single PUT above 5 GiB; larger files need a multipart upload. */
export const SINGLE_PUT_MAX_BYTES = 5 * 1024 ** 3;

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    private readonly files: R2FilesRepository,
    private readonly storage: R2Service,
    private readonly verifier: UploadVerifier,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  /**
   * Issues a presigned PUT and records the pending upload, so that only this caller can later
   * confirm this key. The key is random (unguessable) and never contains raw client input.
   */
  async presignUpload(user: AuthenticatedUser, request: PresignUploadDto): Promise<PresignUploadResponseDto> {
    this.assertUploadAllowed(request);
    const fileName = normalizeFileName(request.fileName);
    const objectKey = `${randomUUID()}-${keySafeFileName(fileName)}`;
    const publicFileUrl = this.storage.publicUrlFor(objectKey);
    const presigned = await this.storage.presignPut({
      key: objectKey,
      contentType: request.contentType,
      contentLength: request.size,
      expiresInSeconds: this.config.presignExpiresInSeconds,
    });
    const pending = await this.files.createPendingWithinQuota(
      {
        userId: user.id,
        objectKey,
        fileUrl: publicFileUrl,
        fileName,
        contentType: request.contentType,
        declaredSize: request.size ?? null,
        // A PUT that started just before the URL expired may finish later: allow a confirm window.
        expiresAt: new Date(presigned.expiresAt.getTime() + this.config.confirmWindowSeconds * 1000),
      },
      this.config.maxPendingPerUser,
    );
    if (!pending) {
      throw new AppError(
        'TOO_MANY_PENDING_UPLOADS',
        `You have ${this.config.maxPendingPerUser} uploads waiting for confirmation; confirm them or wait until they expire`,
      );
    }
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
   * Confirms an upload: the object must exist in the bucket and match what was presigned.
   * Confirming an already confirmed upload returns the same file (idempotent).
   */
  async saveMetadata(user: AuthenticatedUser, request: SaveMetadataDto): Promise<FileDto> {
    const upload = await this.files.findOwnedByKey(user.id, request.objectKey);
    // A key issued to someone else answers exactly like a key that does not exist.
    if (!upload) throw new AppError('UPLOAD_NOT_FOUND', 'No upload with this objectKey was started by you');
    if (request.publicFileUrl != null && request.publicFileUrl !== upload.fileUrl) {
      throw new AppError('VALIDATION_FAILED', 'publicFileUrl does not match the URL issued for this objectKey', [
        { field: 'publicFileUrl', problems: ['publicFileUrl must be the publicFileUrl returned by /presign-upload, or be omitted'] },
      ]);
    }
    if (upload.status === 'uploaded') return toFileDto(upload);
    if (upload.status === 'rejected') throw new AppError('UPLOAD_REJECTED', 'This upload was rejected; start a new one');
    if (upload.expiresAt && upload.expiresAt.getTime() <= Date.now()) {
      throw new AppError('UPLOAD_EXPIRED', 'This upload expired before it was confirmed; start a new one');
    }
    return toFileDto(await this.verifyAndRecord(upload));
  }

  async listFiles(user: AuthenticatedUser, query: ListFilesQueryDto): Promise<FileListDto> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new AppError('VALIDATION_FAILED', 'cursor is not a cursor returned by this API', [
        { field: 'cursor', problems: ['cursor must be the nextCursor of a previous page'] },
      ]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // One extra row tells whether another page exists without a COUNT.
    const rows = await this.files.listPage(user.id, limit + 1, after, query.contentType);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toFileDto),
      nextCursor: rows.length > limit && last ? encodeCursor({ uploadTimestamp: last.uploadTimestamp, id: last.id }) : null,
    };
  }

  async getFile(user: AuthenticatedUser, id: number): Promise<FileDto> {
    return toFileDto(await this.findFileOrThrow(user, id));
  }

  /** A presigned GET of one of the caller's files; works for private and public buckets alike. */
  async downloadUrl(user: AuthenticatedUser, id: number, disposition: Disposition): Promise<DownloadUrlDto> {
    const file = await this.findFileOrThrow(user, id);
    const presigned = await this.storage.presignGet({
      key: file.objectKey,
      contentDisposition: contentDisposition(disposition, file.fileName),
      expiresInSeconds: this.config.downloadExpiresInSeconds,
    });
    return { url: presigned.url, expiresAt: presigned.expiresAt.toISOString(), fileName: file.fileName, disposition };
  }

  /**
   * Deletes the object, then the row. The file is hidden first (`deleting`); if the store fails it
   * is restored and the caller gets 503 — nothing changed, a retry does the job. If the process
   * dies between the two steps the hidden row is finished by the next delete of the same id.
   */
  async deleteFile(user: AuthenticatedUser, id: number): Promise<void> {
    const objectKey = await this.files.markDeleting(user.id, id);
    if (!objectKey) throw fileNotFound();
    try {
      await this.storage.delete(objectKey);
    } catch (error) {
      await this.files.restoreDeleting(user.id, id);
      throw error;
    }
    await this.files.deleteRow(user.id, id);
  }

  private async findFileOrThrow(user: AuthenticatedUser, id: number): Promise<R2File> {
    const file = await this.files.findOwnedById(user.id, id);
    if (!file) throw fileNotFound();
    return file;
  }

  /** The limits checked before any URL is signed: type allow-list, size limit, size requirement. */
  private assertUploadAllowed(request: PresignUploadDto): void {
    if (!isMediaTypeAllowed(request.contentType, this.config.allowedTypes)) {
      throw new AppError('CONTENT_TYPE_NOT_ALLOWED', `Uploads of type ${request.contentType} are not accepted`, {
        allowedTypes: this.config.allowedTypes,
      });
    }
    if (request.size === undefined && this.config.requireSize) {
      throw new AppError('VALIDATION_FAILED', 'size is required: give the file size in bytes', [
        { field: 'size', problems: ['size is required: give the file size in bytes'] },
      ]);
    }
    const limit = Math.min(this.config.maxSize, SINGLE_PUT_MAX_BYTES);
    if (request.size !== undefined && request.size > limit) {
      throw new AppError('FILE_TOO_LARGE', `The file is ${request.size} bytes; the limit is ${limit}`, { maxSize: limit });
    }
  }

  private async verifyAndRecord(upload: R2File): Promise<R2File> {
    const object = await this.storage.head(upload.objectKey);
    if (!object) {
      throw new AppError('OBJECT_NOT_UPLOADED', 'Nothing has been uploaded under this objectKey yet; PUT the file to presignedUrl first');
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
    throw new AppError('UPLOAD_REJECTED', 'This upload was rejected; start a new one');
  }

  /** A failed verification removes the object (it must not linger unrecorded) and the claim. */
  private async reject(upload: R2File): Promise<void> {
    this.logger.warn({ objectKey: upload.objectKey }, 'Rejecting an upload that does not match its presign');
    await this.storage.delete(upload.objectKey);
    await this.files.markRejected(upload.userId, upload.id);
  }
}

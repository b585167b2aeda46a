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
import { keySafeFileName, normalizeFileName } from './file-name.js';
import { toFileDto } from './file.mapper.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import type { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    private readonly files: R2FilesRepository,
    private readonly storage: R2Service,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  /**
   * Issues a presigned PUT and records the pending upload, so that only this caller can later
   * confirm this key. The key is random (unguessable) and never contains raw client input.
   */
  async presignUpload(user: AuthenticatedUser, request: PresignUploadDto): Promise<PresignUploadResponseDto> {
    const fileName = normalizeFileName(request.fileName);
    const objectKey = `${randomUUID()}-${keySafeFileName(fileName)}`;
    const publicFileUrl = this.storage.publicUrlFor(objectKey);
    const presigned = await this.storage.presignPut({
      key: objectKey,
      contentType: request.contentType,
      contentLength: request.size,
      expiresInSeconds: this.config.presignExpiresInSeconds,
    });
    await this.files.createPending({
      userId: user.id,
      objectKey,
      fileUrl: publicFileUrl,
      fileName,
      contentType: request.contentType,
      declaredSize: request.size ?? null,
      expiresAt: presigned.expiresAt,
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
    return toFileDto(await this.verifyAndRecord(upload));
  }

  async listFiles(user: AuthenticatedUser, query: ListFilesQueryDto): Promise<FileListDto> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new AppError('VALIDATION_FAILED', 'cursor is not a cursor returned by this API', [
        { field: 'cursor', problems: ['cursor must be the nextCursor of a previous page'] },
      ]);
    }
    // One extra row tells whether another page exists without a COUNT.
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.files.listPage(user.id, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toFileDto),
      nextCursor: rows.length > limit && last ? encodeCursor({ uploadTimestamp: last.uploadTimestamp, id: last.id }) : null,
    };
  }

  private async verifyAndRecord(upload: R2File): Promise<R2File> {
    const object = await this.storage.head(upload.objectKey);
    if (!object) {
      throw new AppError('OBJECT_NOT_UPLOADED', 'Nothing has been uploaded under this objectKey yet; PUT the file to presignedUrl first');
    }
    if (upload.declaredSize !== null && object.size !== upload.declaredSize) {
      await this.reject(upload);
      throw new AppError('SIZE_MISMATCH', `The uploaded object is ${object.size} bytes, but ${upload.declaredSize} were declared`);
    }
    if (object.contentType !== upload.contentType) {
      await this.reject(upload);
      throw new AppError('CONTENT_TYPE_MISMATCH', `The uploaded object has type ${object.contentType ?? 'none'}, not ${upload.contentType}`);
    }
    const verified = { size: object.size, contentType: upload.contentType, etag: object.etag };
    const uploadTimestamp = await this.files.markUploaded(upload.id, verified);
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
    await this.files.markRejected(upload.id);
  }
}

import { Inject, Injectable } from '@nestjs/common';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { AppError } from '../common/errors/app-error.js';
import { type UploadsConfig, uploadsConfig } from '../config/configuration.js';
import { ObjectStore } from '../storage/object-store.js';
import { contentDisposition, type Disposition } from './content-disposition.js';
import type { DownloadUrlDto } from './dto/download-url.dto.js';
import type { FileDto } from './dto/file.dto.js';
import { DEFAULT_PAGE_SIZE, type FileListDto, type ListFilesQueryDto } from './dto/list-files.dto.js';
import { listedFileToDto, toFileDto } from './file.mapper.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import type { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';

/** Another user's file answers exactly like a file that does not exist. */
const fileNotFound = () => new AppError('FILE_NOT_FOUND', 'You have no file with this id');

/** Stored files: pages, one file, downloads, deletion. */
@Injectable()
export class FilesService {
  constructor(
    private readonly files: R2FilesRepository,
    private readonly storage: ObjectStore,
    @Inject(uploadsConfig.KEY) private readonly config: UploadsConfig,
  ) {}

  async listFiles(user: AuthenticatedUser, query: ListFilesQueryDto): Promise<FileListDto> {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new AppError('INVALID_CURSOR', 'cursor is not a cursor returned by this API: start again from the first page', [
        { field: 'cursor', problems: ['cursor must be the nextCursor of a previous page'] },
      ]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // One extra row tells whether another page exists without a COUNT.
    const rows = await this.files.listPage(user.id, limit + 1, after, query.contentType);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(listedFileToDto),
      nextCursor: rows.length > limit && last ? encodeCursor({ uploadTimestamp: new Date(last.uploaded_at), id: Number(last.id) }) : null,
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
   * Hides the file (`deleting`), deletes the object, then the row. Once the store delete has been
   * sent the file never comes back: the store may have applied it even when its answer failed or
   * was lost. A failure answers 503 and leaves the file hidden; deleting it again (a `deleting`
   * row still qualifies) or the sweeper finishes the job — deleting an object twice is harmless.
   * Concurrent deletes of one file all answer 204 (or 503); once the row is gone, 404.
   */
  async deleteFile(user: AuthenticatedUser, id: number): Promise<void> {
    const objectKey = await this.files.markDeleting(user.id, id);
    if (!objectKey) throw fileNotFound();
    await this.storage.delete(objectKey);
    await this.files.deleteRow(user.id, id);
  }

  private async findFileOrThrow(user: AuthenticatedUser, id: number): Promise<R2File> {
    const file = await this.files.findOwnedById(user.id, id);
    if (!file) throw fileNotFound();
    return file;
  }
}

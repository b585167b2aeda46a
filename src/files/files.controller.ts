import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { ApiIdParam, idParam } from '../common/http/id-param.pipe.js';
import { DownloadUrlDto, DownloadUrlQueryDto } from './dto/download-url.dto.js';
import { FileDto } from './dto/file.dto.js';
import { FileListDto, ListFilesQueryDto } from './dto/list-files.dto.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** The caller's uploaded files, newest first, in pages (follow `nextCursor`). */
  @Get()
  @ApiOkResponse({ type: FileListDto })
  @ApiErrors('INVALID_CURSOR', 'DATABASE_UNAVAILABLE')
  listFiles(@CurrentUser() user: AuthenticatedUser, @Query() query: ListFilesQueryDto): Promise<FileListDto> {
    return this.files.listFiles(user, query);
  }

  /** One of the caller's files. Any other id (someone else's, unknown) is 404. */
  @Get(':id')
  @ApiOkResponse({ type: FileDto })
  @ApiIdParam()
  @ApiErrors('FILE_NOT_FOUND', 'DATABASE_UNAVAILABLE')
  getFile(@CurrentUser() user: AuthenticatedUser, @Param('id', idParam()) id: number): Promise<FileDto> {
    return this.files.getFile(user, id);
  }

  /**
   * A presigned GET URL for one of the caller's files, valid for DOWNLOAD_URL_EXPIRES_IN seconds.
   * The download carries `Content-Disposition` with the original name (`filename*` for Unicode).
   * The way to read files from a private bucket; works for public buckets too.
   */
  @Get(':id/download-url')
  @ApiOkResponse({ type: DownloadUrlDto })
  @ApiIdParam()
  @ApiErrors('FILE_NOT_FOUND', 'DATABASE_UNAVAILABLE')
  getDownloadUrl(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', idParam()) id: number,
    @Query() query: DownloadUrlQueryDto,
  ): Promise<DownloadUrlDto> {
    return this.files.downloadUrl(user, id, query.disposition ?? 'attachment');
  }

  /**
   * Deletes one of the caller's files: the object from the bucket, then its metadata. Idempotent:
   * every delete of a file that exists answers 204, also while another delete of it is under way.
   * If the store fails (or its answer is lost) the file stays hidden and the answer is 503;
   * deleting again finishes the job, and so does the cleanup sweeper. 404 once the file is gone.
   */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiIdParam()
  @ApiErrors('FILE_NOT_FOUND', 'STORAGE_UNAVAILABLE', 'DATABASE_UNAVAILABLE')
  deleteFile(@CurrentUser() user: AuthenticatedUser, @Param('id', idParam()) id: number): Promise<void> {
    return this.files.deleteFile(user, id);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AUTH_ERRORS } from '../common/http/api-errors.decorator.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { FileListDto, ListFilesQueryDto } from './dto/list-files.dto.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@ApiBearerAuth()
@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** The caller's uploaded files, newest first, in pages (follow `nextCursor`). */
  @Get()
  @ApiOkResponse({ type: FileListDto })
  @ApiErrors('VALIDATION_FAILED', ...AUTH_ERRORS)
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListFilesQueryDto): Promise<FileListDto> {
    return this.files.listFiles(user, query);
  }
}

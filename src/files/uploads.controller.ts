import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { PresignUploadDto, PresignUploadResponseDto } from './dto/presign-upload.dto.js';
import { SaveMetadataDto, SaveMetadataResponseDto } from './dto/save-metadata.dto.js';
import { FilesService } from './files.service.js';

/** The seed guide's two endpoints, same paths and JSON fields, behind real auth. */
@ApiTags('uploads')
@ApiBearerAuth()
@Controller()
export class UploadsController {
  constructor(private readonly files: FilesService) {}

  /**
   * Starts an upload: returns a presigned URL to PUT the file to, valid for a few minutes.
   * The PUT must carry the `Content-Type` given here (it is signed).
   */
  @Post('presign-upload')
  presignUpload(@CurrentUser() user: AuthenticatedUser, @Body() body: PresignUploadDto): Promise<PresignUploadResponseDto> {
    return this.files.presignUpload(user, body);
  }

  /**
   * Confirms an upload after the PUT succeeded: the object is checked in the bucket and its
   * metadata recorded. Safe to retry: a second call returns the same file.
   */
  @Post('save-metadata')
  async saveMetadata(@CurrentUser() user: AuthenticatedUser, @Body() body: SaveMetadataDto): Promise<SaveMetadataResponseDto> {
    return { success: true, file: await this.files.saveMetadata(user, body) };
  }
}

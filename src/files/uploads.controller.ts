import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AUTH_ERRORS } from '../common/http/api-errors.decorator.js';
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
  @ApiCreatedResponse({ type: PresignUploadResponseDto })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_JSON', 'PAYLOAD_TOO_LARGE', ...AUTH_ERRORS)
  presignUpload(@CurrentUser() user: AuthenticatedUser, @Body() body: PresignUploadDto): Promise<PresignUploadResponseDto> {
    return this.files.presignUpload(user, body);
  }

  /**
   * Confirms an upload after the PUT succeeded: the object is checked in the bucket and its
   * metadata recorded. Safe to retry: a second call returns the same file.
   */
  @Post('save-metadata')
  @ApiCreatedResponse({ type: SaveMetadataResponseDto })
  @ApiErrors(
    'VALIDATION_FAILED',
    'INVALID_JSON',
    'UPLOAD_NOT_FOUND',
    'OBJECT_NOT_UPLOADED',
    'UPLOAD_REJECTED',
    'SIZE_MISMATCH',
    'CONTENT_TYPE_MISMATCH',
    'STORAGE_UNAVAILABLE',
    ...AUTH_ERRORS,
  )
  async saveMetadata(@CurrentUser() user: AuthenticatedUser, @Body() body: SaveMetadataDto): Promise<SaveMetadataResponseDto> {
    return { success: true, file: await this.files.saveMetadata(user, body) };
  }
}

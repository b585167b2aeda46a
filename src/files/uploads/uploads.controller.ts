import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { ApiErrors, CONFIRM_ERRORS } from '../../common/http/api-errors.decorator.js';
import { PresignUploadDto, PresignUploadResponseDto } from '../dto/presign-upload.dto.js';
import { SaveMetadataDto, SaveMetadataResponseDto } from '../dto/save-metadata.dto.js';
import { UploadsService } from './uploads.service.js';

/** The seed guide's two endpoints, same paths and JSON fields, behind real auth. */
@ApiTags('uploads')
@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  /**
   * Starts an upload: returns a presigned URL to PUT the file to, valid for PRESIGN_EXPIRES_IN
   * seconds. The PUT must carry the headers in `uploadHeaders` (the `Content-Type` given here), and
   * a body of exactly `size` bytes when a size is given (both are signed). The type must be allowed (UPLOAD_ALLOWED_TYPES) and the
   * size within UPLOAD_MAX_SIZE; a user may have at most UPLOAD_MAX_PENDING_PER_USER unconfirmed uploads.
   */
  @Post('presign-upload')
  @ApiCreatedResponse({ type: PresignUploadResponseDto })
  @ApiErrors('FILE_TOO_LARGE', 'CONTENT_TYPE_NOT_ALLOWED', 'TOO_MANY_PENDING_UPLOADS', 'DATABASE_UNAVAILABLE')
  presignUpload(@CurrentUser() user: AuthenticatedUser, @Body() body: PresignUploadDto): Promise<PresignUploadResponseDto> {
    return this.uploads.presignUpload(user, body);
  }

  /**
   * Confirms an upload after the PUT succeeded. The object is checked in the bucket: it must exist,
   * be within the size limit, have the declared size and the presigned type, and for PNG, JPEG,
   * GIF, WebP and PDF start with that format's signature. A failing object is deleted and the upload
   * rejected. Safe to retry: a second call returns the same file. Keys not issued to the caller are 404.
   */
  @Post('save-metadata')
  @ApiCreatedResponse({ type: SaveMetadataResponseDto })
  @ApiErrors(...CONFIRM_ERRORS)
  async saveMetadata(@CurrentUser() user: AuthenticatedUser, @Body() body: SaveMetadataDto): Promise<SaveMetadataResponseDto> {
    return { success: true, file: await this.uploads.saveMetadata(user, body) };
  }

  /**
   * Cancels one of the caller's unconfirmed uploads, single-PUT or multipart, by its `objectKey`:
   * any object PUT for it is deleted, every open multipart upload under the key aborted (its parts
   * freed), and the upload no longer counts against UPLOAD_MAX_PENDING_PER_USER. Safe to retry: a
   * 503 leaves the upload cancelled (it can no longer be confirmed) and a retry or the cleanup
   * sweeper finishes the removal. A confirmed upload is a file: 409 UPLOAD_CONFIRMED, delete it
   * with `DELETE /files/{id}`. A key not issued to the caller, or already removed, is 404.
   */
  @Delete('uploads/:objectKey')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Cancelled' })
  @ApiErrors('UPLOAD_NOT_FOUND', 'UPLOAD_CONFIRMED', 'STORAGE_UNAVAILABLE', 'DATABASE_UNAVAILABLE')
  cancelUpload(@CurrentUser() user: AuthenticatedUser, @Param('objectKey') objectKey: string): Promise<void> {
    return this.uploads.cancelUpload(user, objectKey);
  }
}

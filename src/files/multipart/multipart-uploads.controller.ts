import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { ApiErrors, CONFIRM_ERRORS } from '../../common/http/api-errors.decorator.js';
import { SaveMetadataResponseDto } from '../dto/save-metadata.dto.js';
import {
  CompleteMultipartUploadDto,
  MultipartUploadStatusDto,
  PartUrlsRequestDto,
  PartUrlsResponseDto,
  StartMultipartUploadDto,
  StartMultipartUploadResponseDto,
} from './dto/multipart.dto.js';
import { MultipartUploadsService } from './multipart-uploads.service.js';

/** Large files (up to UPLOAD_MAX_SIZE, at most 5 TiB) uploaded in parts straight to the store. */
@ApiTags('multipart uploads')
@Controller('files/multipart')
export class MultipartUploadsController {
  constructor(private readonly multipart: MultipartUploadsService) {}

  /**
   * Starts a multipart upload: the file is cut into `partCount` parts of `partSize` bytes (the
   * last one smaller) and the first part URLs are returned. PUT each part's bytes to its URL and
   * keep the `ETag` header of each answer for `complete`.
   */
  @Post()
  @ApiBody({
    type: StartMultipartUploadDto,
    examples: { video: { summary: 'A 70 MiB video', value: { fileName: 'video.mp4', contentType: 'video/mp4', size: 73400320 } } },
  })
  @ApiCreatedResponse({ type: StartMultipartUploadResponseDto })
  @ApiErrors('FILE_TOO_LARGE', 'CONTENT_TYPE_NOT_ALLOWED', 'TOO_MANY_PENDING_UPLOADS', 'STORAGE_UNAVAILABLE', 'DATABASE_UNAVAILABLE')
  startMultipartUpload(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: StartMultipartUploadDto,
  ): Promise<StartMultipartUploadResponseDto> {
    return this.multipart.start(user, body);
  }

  /** Presigned URLs for more parts (at most MULTIPART_URLS_PER_REQUEST come with the start). */
  @Post(':uploadId/part-urls')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: PartUrlsResponseDto })
  @ApiErrors('UPLOAD_NOT_FOUND', 'UPLOAD_EXPIRED', 'UPLOAD_REJECTED', 'DATABASE_UNAVAILABLE')
  signMultipartParts(
    @CurrentUser() user: AuthenticatedUser,
    @Param('uploadId') uploadId: string,
    @Body() body: PartUrlsRequestDto,
  ): Promise<PartUrlsResponseDto> {
    return this.multipart.partUrls(user, uploadId, body.partNumbers);
  }

  /** The upload and the parts the store already holds: upload the missing ones to resume. */
  @Get(':uploadId')
  @ApiOkResponse({ type: MultipartUploadStatusDto })
  @ApiErrors('UPLOAD_NOT_FOUND', 'STORAGE_UNAVAILABLE', 'DATABASE_UNAVAILABLE')
  getMultipartUpload(@CurrentUser() user: AuthenticatedUser, @Param('uploadId') uploadId: string): Promise<MultipartUploadStatusDto> {
    return this.multipart.status(user, uploadId);
  }

  /**
   * Completes the upload from its parts and records the file, verified like `POST /save-metadata`
   * (size, type, file signature). Safe to retry: completing again returns the same file.
   */
  @Post(':uploadId/complete')
  @ApiCreatedResponse({ type: SaveMetadataResponseDto })
  @ApiErrors('INVALID_PARTS', ...CONFIRM_ERRORS)
  async completeMultipartUpload(
    @CurrentUser() user: AuthenticatedUser,
    @Param('uploadId') uploadId: string,
    @Body() body: CompleteMultipartUploadDto,
  ): Promise<SaveMetadataResponseDto> {
    return { success: true, file: await this.multipart.complete(user, uploadId, body) };
  }

  /** Aborts the upload: the store discards the parts. */
  @Delete(':uploadId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Aborted' })
  @ApiErrors('UPLOAD_NOT_FOUND', 'STORAGE_UNAVAILABLE', 'DATABASE_UNAVAILABLE')
  abortMultipartUpload(@CurrentUser() user: AuthenticatedUser, @Param('uploadId') uploadId: string): Promise<void> {
    return this.multipart.abort(user, uploadId);
  }
}

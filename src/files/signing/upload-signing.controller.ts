import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/http/api-errors.decorator.js';
import { SignedUploadRequestDto, SignUploadRequestDto } from './dto/sign-upload-request.dto.js';
import { UploadSigningService } from './upload-signing.service.js';

/** Signing for browsers that send each S3 request to the store themselves (Uppy 6). */
@ApiTags('uploads')
@Controller('uploads')
export class UploadSigningController {
  constructor(private readonly signing: UploadSigningService) {}

  /**
   * Signs one S3 request of an upload — what Uppy 6's `signRequest(request)` receives; forward it
   * here with the user's token and return the answer to Uppy. PutObject and CreateMultipartUpload
   * start an upload under a key the API issues (returned as `key`; the same rules, limits and
   * pending-upload cap as `POST /presign-upload`); UploadPart, ListParts, CompleteMultipartUpload
   * and AbortMultipartUpload only for the caller's own multipart upload started here. Nothing else
   * is signed. After the upload, record the file with `POST /save-metadata` and the key.
   */
  @Post('sign')
  @HttpCode(HttpStatus.OK)
  @ApiBody({
    type: SignUploadRequestDto,
    examples: {
      putObject: {
        summary: 'PutObject (a single PUT), as Uppy 6 asks, with the file size added',
        value: { method: 'PUT', key: '0b5e8a52-3f0e-4c47-9b8e-6f1d2c3a4b5c-holiday.jpg', contentType: 'image/jpeg', size: 2481152 },
      },
      createMultipartUpload: {
        summary: 'CreateMultipartUpload, with the file type added',
        value: { method: 'POST', key: '0b5e8a52-3f0e-4c47-9b8e-6f1d2c3a4b5c-video.mp4', contentType: 'video/mp4', size: 73400320 },
      },
      uploadPart: {
        summary: 'UploadPart',
        value: { method: 'PUT', key: '7d0a41c2-8e5f-4b3a-9c1d-2e3f4a5b6c7d-video.mp4', uploadId: 'f3c9a1b2c4d5e6f7', partNumber: 1 },
      },
    },
  })
  @ApiOkResponse({ type: SignedUploadRequestDto })
  @ApiErrors(
    'OPERATION_NOT_SIGNED',
    'UPLOAD_NOT_FOUND',
    'UPLOAD_EXPIRED',
    'FILE_TOO_LARGE',
    'CONTENT_TYPE_NOT_ALLOWED',
    'TOO_MANY_PENDING_UPLOADS',
    'DATABASE_UNAVAILABLE',
  )
  signUploadRequest(@CurrentUser() user: AuthenticatedUser, @Body() body: SignUploadRequestDto): Promise<SignedUploadRequestDto> {
    return this.signing.sign(user, body);
  }
}

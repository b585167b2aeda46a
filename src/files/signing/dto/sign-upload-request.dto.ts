import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

import { TransformString } from '../../../common/http/transform-string.js';
import { FileSizeProperty } from '../../dto/file-size.property.js';
import { IsSafeFileName } from '../../dto/is-safe-file-name.validator.js';
import { MEDIA_TYPE_PATTERN } from '../../dto/presign-upload.dto.js';

export const SIGNABLE_METHODS = ['PUT', 'POST', 'GET', 'DELETE'] as const;
export type SignableMethod = (typeof SIGNABLE_METHODS)[number];

/**
 * One S3 request to sign: what Uppy 6's `signRequest(request)` receives (`@uppy/aws-s3` 6.x,
 * `{method, key, contentType?, uploadId?, partNumber?, expiresIn?}`), plus optional facts about the
 * file that Uppy does not pass but a client can (`fileName`, `size`; `contentType` for
 * CreateMultipartUpload). The operation follows from the fields, as in S3:
 * PUT → PutObject, PUT with uploadId and partNumber → UploadPart, POST → CreateMultipartUpload,
 * POST with uploadId → CompleteMultipartUpload, GET with uploadId → ListParts, DELETE with
 * uploadId → AbortMultipartUpload. Anything else is refused.
 */
export class SignUploadRequestDto {
  /**
   * The HTTP method of the S3 request.
   * @example "PUT"
   */
  @ApiProperty({ enum: SIGNABLE_METHODS })
  @IsIn(SIGNABLE_METHODS, { message: `method must be one of ${SIGNABLE_METHODS.join(', ')}` })
  method!: SignableMethod;

  /**
   * The object key. For PutObject and CreateMultipartUpload it is Uppy's own proposal
   * (`<uuid>-<file name>`): the API ignores it except as the file name when `fileName` is absent,
   * and answers the key it issues. For the other operations it must be a key the API issued to the
   * caller for an upload that is still pending.
   * @example "0b5e8a52-3f0e-4c47-9b8e-6f1d2c3a4b5c-holiday.jpg"
   */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  key!: string;

  /**
   * The file's media type: Uppy sends it for PutObject; required for CreateMultipartUpload (Uppy
   * does not pass it there, see README). Must be allowed by UPLOAD_ALLOWED_TYPES; signed into the
   * URL, so the store refuses another `Content-Type`.
   * @example "image/jpeg"
   */
  @ApiProperty({ pattern: MEDIA_TYPE_PATTERN.source, required: false })
  @IsOptional()
  @TransformString((type) => type.trim())
  @IsString()
  @MaxLength(255)
  @Matches(MEDIA_TYPE_PATTERN, { message: 'contentType must be a media type such as image/png' })
  contentType?: string;

  /**
   * The store's multipart upload id (UploadPart, ListParts, CompleteMultipartUpload, AbortMultipartUpload).
   * @example "f3c9a1b2c4d5e6f708192a3b4c5d6e7f"
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  uploadId?: string;

  /**
   * The part number of an UploadPart: 1 … 10,000 (and within the part count a declared size allows).
   * @example 1
   */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10_000, required: false })
  @IsOptional()
  @IsInt({ message: 'partNumber must be a whole number' })
  @Min(1, { message: 'partNumber must be between 1 and 10000' })
  @Max(10_000, { message: 'partNumber must be between 1 and 10000' })
  partNumber?: number;

  /**
   * Seconds the URL should stay valid. It may only shorten the server's lifetimes
   * (MULTIPART_URL_EXPIRES_IN for parts, listing, completing and aborting); PutObject and
   * CreateMultipartUpload URLs always live PRESIGN_EXPIRES_IN seconds. Uppy does not send it.
   * @example 300
   */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 604_800, required: false })
  @IsOptional()
  @IsInt({ message: 'expiresIn must be a whole number of seconds' })
  @Min(1)
  @Max(604_800)
  expiresIn?: number;

  /**
   * PutObject and CreateMultipartUpload: the file's display name. Without it the name is taken
   * from `key` (Uppy's `<uuid>-<name>`, the uuid dropped). Same rules as in `POST /presign-upload`.
   * @example "holiday.jpg"
   */
  @ApiProperty({ minLength: 1, maxLength: 1024, required: false })
  @IsOptional()
  @TransformString((name) => name.normalize('NFC').trim())
  @IsString()
  @MaxLength(1024)
  @IsSafeFileName()
  fileName?: string;

  /**
   * PutObject and CreateMultipartUpload: the file's size in bytes, when the client passes it. It is
   * checked against UPLOAD_MAX_SIZE at once (else at confirmation) and, for PutObject, signed: the
   * body must then be exactly `size` bytes. Required when UPLOAD_REQUIRE_SIZE is set.
   * @example 2481152
   */
  @FileSizeProperty({ required: false })
  size?: number;
}

/** What Uppy 6's `signRequest` returns (`{url, key?, headers?}`), plus the method and the URL's expiry. */
export class SignedUploadRequestDto {
  /**
   * The presigned URL: send the S3 request there, straight to the store.
   * @example "https://<account>.r2.cloudflarestorage.com/my-bucket/0b5e8a52-…-holiday.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=…"
   */
  url!: string;
  /**
   * The object key the API issued (PutObject, CreateMultipartUpload: Uppy then uses it for every
   * later request and reports it on `upload-success`; pass it to `POST /save-metadata`), or the key
   * of the request.
   * @example "7d0a41c2-8e5f-4b3a-9c1d-2e3f4a5b6c7d-holiday.jpg"
   */
  key!: string;
  /**
   * The request's HTTP method.
   * @example "PUT"
   */
  @ApiProperty({ enum: SIGNABLE_METHODS })
  method!: SignableMethod;
  /**
   * Headers the request must carry exactly as given (signed): `Content-Type` for PutObject and
   * CreateMultipartUpload, none otherwise. Only headers a browser may set.
   * @example {"Content-Type": "image/jpeg"}
   */
  headers!: Record<string, string>;
  /**
   * When the URL stops working.
   * @example "2026-01-15T09:35:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

import { TransformString } from '../../common/http/transform-string.js';
import { FileSizeProperty } from './file-size.property.js';
import { IsSafeFileName } from './is-safe-file-name.validator.js';

/** A media type with optional parameters, e.g. `image/png` or `text/plain; charset=utf-8`. */
export const MEDIA_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

export class PresignUploadDto {
  /**
   * The file's name, shown back to the user and used for downloads. At most 1024 characters as
   * sent; then any directory part is dropped (`C:\fakepath\a.png` → `a.png`), the name is trimmed
   * and NFC-normalised, and must be 1 to 255 bytes in UTF-8, not `.` or `..`, without control or
   * bidi-override characters.
   * @example "test-image.png"
   */
  @ApiProperty({ minLength: 1, maxLength: 1024 })
  @TransformString((name) => name.normalize('NFC').trim())
  @IsString()
  @MaxLength(1024)
  @IsSafeFileName()
  fileName!: string;

  /**
   * The media type the client will upload with (`type/subtype`, optional parameters; at most 255
   * characters). It is signed into the URL: the PUT must send exactly this `Content-Type` header.
   * It must be allowed by UPLOAD_ALLOWED_TYPES (else 415 CONTENT_TYPE_NOT_ALLOWED).
   * @example "image/png"
   */
  @ApiProperty({ pattern: MEDIA_TYPE_PATTERN.source })
  @TransformString((type) => type.trim())
  @IsString()
  @MaxLength(255)
  @Matches(MEDIA_TYPE_PATTERN, { message: 'contentType must be a media type such as image/png' })
  contentType!: string;

  /**
   * Size of the file in bytes. When given, the PUT's body must be exactly `size` bytes: the length
   * is signed into the URL (`Content-Length` is among its signed headers, sent by every HTTP client
   * from the body), so the store refuses a body of any other size. Required when
   * UPLOAD_REQUIRE_SIZE is set; above UPLOAD_MAX_SIZE (at most 5 GiB for a single PUT) the answer is
   * 413 FILE_TOO_LARGE.
   * @example 48213
   */
  @FileSizeProperty({ required: false })
  size?: number;
}

export class PresignUploadResponseDto {
  /** Always true on success (the seed guide's shape). */
  @ApiProperty({ enum: [true] })
  success!: true;
  /**
   * Send the file here with `PUT`, with the headers listed in `uploadHeaders`.
   * @example "https://<account>.r2.cloudflarestorage.com/my-bucket/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=…"
   */
  presignedUrl!: string;
  /**
   * The object's key in the bucket; pass it to `POST /save-metadata` after the upload.
   * @example "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  objectKey!: string;
  /**
   * Where the file will be publicly readable, or null for a private bucket.
   * @example "https://pub-0123456789abcdef.r2.dev/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  publicFileUrl!: string | null;
  /**
   * When `presignedUrl` stops working.
   * @example "2026-01-15T09:35:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  /** Always `PUT`. */
  method!: 'PUT';
  /**
   * Headers the upload must carry exactly as given (they are part of the signature). Only headers a
   * browser may set: with a `size`, the body must also be exactly `size` bytes (the length is signed
   * too; clients send `Content-Length` themselves, so it is not listed here).
   * @example {"Content-Type": "image/png"}
   */
  uploadHeaders!: Record<string, string>;
}

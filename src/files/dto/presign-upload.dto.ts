import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { TransformString } from '../../common/http/transform-string.js';
import { MAX_OBJECT_BYTES } from '../../common/object-size-limits.js';
import { IsSafeFileName } from './is-safe-file-name.validator.js';

/** A media type with optional parameters, e.g. `image/png` or `text/plain; charset=utf-8`. */
export const MEDIA_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

export class PresignUploadDto {
  /**
   * The file's name, shown back to the user and used for downloads. Any directory part is
   * dropped and the name is NFC-normalised; control and bidi-override characters are refused.
   * At most 255 bytes in UTF-8.
   * @example "test-image.png"
   */
  @TransformString((name) => name.normalize('NFC').trim())
  @IsString()
  @MaxLength(1024)
  @IsSafeFileName()
  fileName!: string;

  /**
   * The media type the client will upload with. It is signed into the URL: the PUT must send
   * exactly this `Content-Type` header.
   * @example "image/png"
   */
  @TransformString((type) => type.trim())
  @IsString()
  @MaxLength(255)
  @Matches(MEDIA_TYPE_PATTERN, { message: 'contentType must be a media type such as image/png' })
  contentType!: string;

  /**
   * Size of the file in bytes. When given, it is signed into the URL as `Content-Length`, so the
   * store refuses a body of any other size.
   * @example 48213
   */
  @IsOptional()
  @IsInt({ message: 'size must be a whole number of bytes' })
  @Min(1, { message: 'size must be at least 1 byte' })
  @Max(MAX_OBJECT_BYTES, { message: `size must be at most ${MAX_OBJECT_BYTES} bytes (5 TiB)` })
  size?: number;
}

export class PresignUploadResponseDto {
  /** Always true on success (the seed guide's shape). */
  success!: true;
  /** Send the file here with `PUT`, with the headers listed in `uploadHeaders`. */
  presignedUrl!: string;
  /** The object's key in the bucket; pass it to `POST /save-metadata` after the upload. */
  objectKey!: string;
  /** Where the file will be publicly readable, or null for a private bucket. */
  publicFileUrl!: string | null;
  /** When `presignedUrl` stops working (ISO 8601). */
  expiresAt!: string;
  /** Always `PUT`. */
  method!: 'PUT';
  /** Headers the upload must carry exactly as given (they are part of the signature). */
  uploadHeaders!: Record<string, string>;
}

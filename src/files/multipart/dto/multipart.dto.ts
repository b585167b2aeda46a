import { PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { MAX_OBJECT_BYTES } from '../../../common/object-size-limits.js';
import { PresignUploadDto } from '../../dto/presign-upload.dto.js';

export class StartMultipartUploadDto extends PickType(PresignUploadDto, ['fileName', 'contentType'] as const) {
  /**
   * Size of the file in bytes (required: it decides the parts).
   * @example 73400320
   */
  @IsInt({ message: 'size must be a whole number of bytes' })
  @Min(1, { message: 'size must be at least 1 byte' })
  @Max(MAX_OBJECT_BYTES, { message: `size must be at most ${MAX_OBJECT_BYTES} bytes (5 TiB)` })
  size!: number;
}

export class PartUrlDto {
  /** 1-based part number. */
  partNumber!: number;
  /** Presigned PUT for this part; the body must be exactly the part's size (signed). */
  url!: string;
  /** Bytes this part must have: `partSize`, except the last part. */
  size!: number;
}

export class StartMultipartUploadResponseDto {
  /** Always true on success. */
  success!: true;
  /** Identifies the upload in the other multipart routes. */
  uploadId!: string;
  /** The object's key in the bucket. */
  objectKey!: string;
  /** Where the file will be publicly readable, or null for a private bucket. */
  publicFileUrl!: string | null;
  /** Bytes per part (every part but the last). */
  partSize!: number;
  /** How many parts the file is cut into. */
  partCount!: number;
  /** URLs for the first parts; ask `POST /files/multipart/{uploadId}/part-urls` for the others. */
  parts!: PartUrlDto[];
  /** When these part URLs stop working (ISO 8601). */
  urlsExpireAt!: string;
  /** When the upload must be completed by (ISO 8601); after that it is aborted. */
  expiresAt!: string;
}

export class PartUrlsRequestDto {
  /**
   * Part numbers to sign (1 … partCount, at most 1000 per request).
   * @example [101, 102, 103]
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsInt({ each: true, message: 'partNumbers must be whole numbers' })
  @Min(1, { each: true })
  // 10,000 = MAX_PARTS, written as a literal: the Swagger CLI plugin documents literals only.
  @Max(10_000, { each: true })
  partNumbers!: number[];
}

export class PartUrlsResponseDto {
  parts!: PartUrlDto[];
  /** When these URLs stop working (ISO 8601). */
  urlsExpireAt!: string;
}

export class StoredPartDto {
  partNumber!: number;
  /** The part's ETag, as `complete` needs it. */
  etag!: string;
  size!: number;
}

export class MultipartUploadStatusDto {
  uploadId!: string;
  objectKey!: string;
  fileName!: string;
  contentType!: string;
  /** Declared size of the whole file. */
  size!: number;
  partSize!: number;
  partCount!: number;
  /** `pending` until completed, then `uploaded`. */
  status!: string;
  /** When a pending upload must be completed by (ISO 8601), null once completed. */
  expiresAt!: string | null;
  /** The parts already stored (resume by uploading the missing ones). Empty once completed. */
  parts!: StoredPartDto[];
}

export class CompletedPartDto {
  /** 1-based part number. */
  @IsInt()
  @Min(1)
  @Max(10_000) // = MAX_PARTS (literal for the Swagger plugin)
  partNumber!: number;

  /** The ETag the store answered for this part's PUT. */
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  etag!: string;
}

export class CompleteMultipartUploadDto {
  /** Every part, 1 … partCount in order, with its ETag. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000) // = MAX_PARTS (literal for the Swagger plugin)
  @ValidateNested({ each: true })
  @Type(() => CompletedPartDto)
  parts!: CompletedPartDto[];
}

import { ApiProperty, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { FileSizeProperty } from '../../dto/file-size.property.js';
import { PresignUploadDto } from '../../dto/presign-upload.dto.js';

/** A part number or count: 1 … 10,000 (MAX_PARTS, a literal for the Swagger plugin). */
const PART_NUMBER = { type: 'integer', minimum: 1, maximum: 10_000 } as const;

export class StartMultipartUploadDto extends PickType(PresignUploadDto, ['fileName', 'contentType'] as const) {
  /**
   * Size of the file in bytes (required: it decides the parts). Above UPLOAD_MAX_SIZE the answer
   * is 413 FILE_TOO_LARGE.
   * @example 73400320
   */
  @FileSizeProperty({ required: true })
  size!: number;

  /**
   * Bytes per part, when the client cuts the file itself (Uppy's `getChunkSize`; its default is
   * 5 MiB): every part has this size but the last. At least 5 MiB, at most 5 GiB, and at most
   * 10,000 parts in all (else 400 naming the smallest size that fits). Without it the server picks
   * MULTIPART_PART_SIZE, grown to fit 10,000 parts.
   * @example 5242880
   */
  // 5 MiB and 5 GiB (MIN_PART_BYTES, SINGLE_PUT_MAX_BYTES) as literals: the Swagger plugin documents literals only.
  @ApiProperty({ type: 'integer', minimum: 5_242_880, maximum: 5_368_709_120, required: false })
  @IsOptional()
  @IsInt({ message: 'partSize must be a whole number of bytes' })
  @Min(5_242_880, { message: 'partSize must be at least 5242880 bytes (5 MiB): the store refuses smaller parts but the last' })
  @Max(5_368_709_120, { message: 'partSize must be at most 5368709120 bytes (5 GiB): the store refuses larger parts' })
  partSize?: number;
}

export class PartUrlDto {
  /**
   * 1-based part number.
   * @example 1
   */
  @ApiProperty(PART_NUMBER)
  partNumber!: number;
  /**
   * Presigned PUT for this part; the body must be exactly the part's size (signed).
   * @example "https://<account>.r2.cloudflarestorage.com/my-bucket/<key>?partNumber=1&uploadId=…&X-Amz-Signature=…"
   */
  url!: string;
  /**
   * Bytes this part must have: `partSize`, except the last part.
   * @example 16777216
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  size!: number;
}

export class StartMultipartUploadResponseDto {
  /** Always true on success. */
  @ApiProperty({ enum: [true] })
  success!: true;
  /**
   * Identifies the upload in the other multipart routes (the store's upload id).
   * @example "2~x1c9QmOrYpW1n4fYpDqgS5lV0bA7hJ"
   */
  uploadId!: string;
  /**
   * The object's key in the bucket.
   * @example "7d0a41c2-8e5f-4b3a-9c1d-2e3f4a5b6c7d-video.mp4"
   */
  objectKey!: string;
  /** Where the file will be publicly readable, or null for a private bucket. */
  publicFileUrl!: string | null;
  /**
   * Bytes per part (every part but the last).
   * @example 16777216
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  partSize!: number;
  /**
   * How many parts the file is cut into.
   * @example 5
   */
  @ApiProperty(PART_NUMBER)
  partCount!: number;
  /** URLs for the first parts; ask `POST /files/multipart/{uploadId}/part-urls` for the others. */
  parts!: PartUrlDto[];
  /**
   * When these part URLs stop working (MULTIPART_URL_EXPIRES_IN).
   * @example "2026-01-15T10:30:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  urlsExpireAt!: string;
  /**
   * When the upload must be completed by (MULTIPART_UPLOAD_TTL); after that it is aborted.
   * @example "2026-01-16T09:30:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class PartUrlsRequestDto {
  /**
   * Part numbers to sign (1 … partCount, at most 1000 per request).
   * @example [2, 3]
   */
  @ApiProperty({ type: 'integer', isArray: true, minimum: 1, maximum: 10_000 })
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
  /** The URLs asked for, by part number. */
  parts!: PartUrlDto[];
  /**
   * When these URLs stop working (MULTIPART_URL_EXPIRES_IN).
   * @example "2026-01-15T10:30:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  urlsExpireAt!: string;
}

export class StoredPartDto {
  /**
   * 1-based part number.
   * @example 1
   */
  @ApiProperty(PART_NUMBER)
  partNumber!: number;
  /**
   * The part's ETag, as `complete` needs it.
   * @example "\"a54357aff0632cce46d942af68356b38\""
   */
  etag!: string;
  /**
   * Bytes stored for this part.
   * @example 16777216
   */
  @ApiProperty({ type: 'integer', minimum: 0 })
  size!: number;
}

export class MultipartUploadStatusDto {
  /** @example "2~x1c9QmOrYpW1n4fYpDqgS5lV0bA7hJ" */
  uploadId!: string;
  /** @example "7d0a41c2-8e5f-4b3a-9c1d-2e3f4a5b6c7d-video.mp4" */
  objectKey!: string;
  /** @example "video.mp4" */
  fileName!: string;
  /** @example "video/mp4" */
  contentType!: string;
  /**
   * Declared size of the whole file.
   * @example 73400320
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  size!: number;
  /**
   * Bytes per part (every part but the last).
   * @example 16777216
   */
  @ApiProperty({ type: 'integer', minimum: 1 })
  partSize!: number;
  /**
   * How many parts the file is cut into.
   * @example 5
   */
  @ApiProperty(PART_NUMBER)
  partCount!: number;
  /** `pending` until completed, then `uploaded`; `rejected` if the completed file failed verification. */
  status!: 'pending' | 'uploaded' | 'rejected';
  /**
   * When a pending upload must be completed by, null once completed.
   * @example "2026-01-16T09:30:00.000Z"
   */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  expiresAt!: string | null;
  /** The parts already stored (resume by uploading the missing ones). Empty once completed. */
  parts!: StoredPartDto[];
}

export class CompletedPartDto {
  /**
   * 1-based part number.
   * @example 1
   */
  @ApiProperty(PART_NUMBER)
  @IsInt()
  @Min(1)
  @Max(10_000) // = MAX_PARTS (literal for the Swagger plugin)
  partNumber!: number;

  /**
   * The ETag the store answered for this part's PUT.
   * @example "\"a54357aff0632cce46d942af68356b38\""
   */
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

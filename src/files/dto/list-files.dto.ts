import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { TransformString } from '../../common/http/transform-string.js';
import { FileDto } from './file.dto.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export class ListFilesQueryDto {
  /** Files per page. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number = DEFAULT_PAGE_SIZE;

  // No @example here or on contentType: Swagger UI's "Try it out" would send it.
  /** `nextCursor` of the previous page; omit for the first page. Anything else is `400 INVALID_CURSOR`. */
  @IsOptional()
  @IsString()
  cursor?: string;

  /**
   * Only files whose content type starts with this (case-insensitive): `image/` for all images,
   * `application/pdf` for PDFs.
   */
  @IsOptional()
  @TransformString((prefix) => prefix.trim().toLowerCase())
  @IsString()
  @MaxLength(255)
  @Matches(/^[a-z0-9][a-z0-9!#$&^_.+-]*(\/[a-z0-9!#$&^_.+-]*)?$/, {
    message: 'contentType must be a media type or its beginning, e.g. image/ or image/png',
  })
  contentType?: string;
}

export class FileListDto {
  /** The caller's files, newest first. */
  items!: FileDto[];
  /**
   * Pass as `cursor` for the next page; null on the last page.
   * @example "eyJ0IjoiMjAyNi0wMS0xNVQwOTozMDowMC4wMDBaIiwiaSI6NDJ9"
   */
  nextCursor!: string | null;
}

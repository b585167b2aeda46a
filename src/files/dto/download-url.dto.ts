import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import type { Disposition } from '../content-disposition.js';

export class DownloadUrlQueryDto {
  /** `attachment` (default) downloads the file under its original name; `inline` lets a browser show it. */
  @IsOptional()
  @IsIn(['attachment', 'inline'])
  disposition?: Disposition = 'attachment';
}

export class DownloadUrlDto {
  /**
   * A presigned GET: anyone holding it can download the file until `expiresAt`.
   * @example "https://<account>.r2.cloudflarestorage.com/my-bucket/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png?response-content-disposition=attachment…&X-Amz-Signature=…"
   */
  url!: string;
  /**
   * When `url` stops working (DOWNLOAD_URL_EXPIRES_IN).
   * @example "2026-01-15T10:30:00.000Z"
   */
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  /**
   * The original file name the download is saved under.
   * @example "test-image.png"
   */
  fileName!: string;
  /** `attachment` or `inline`. */
  disposition!: Disposition;
}

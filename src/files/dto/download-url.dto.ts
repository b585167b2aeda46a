import { IsIn, IsOptional } from 'class-validator';

import type { Disposition } from '../content-disposition.js';

export class DownloadUrlQueryDto {
  /** `attachment` (default) downloads the file under its original name; `inline` lets a browser show it. */
  @IsOptional()
  @IsIn(['attachment', 'inline'])
  disposition?: Disposition = 'attachment';
}

export class DownloadUrlDto {
  /** A presigned GET: anyone holding it can download the file until `expiresAt`. */
  url!: string;
  /** When `url` stops working (ISO 8601). */
  expiresAt!: string;
  /** The original file name the download is saved under. */
  fileName!: string;
  /** `attachment` or `inline`. */
  disposition!: Disposition;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { FileDto } from './file.dto.js';

export class SaveMetadataDto {
  /**
   * The `objectKey` returned by `POST /presign-upload`.
   * @example "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  objectKey!: string;

  /**
   * Accepted for compatibility with the seed guide's clients. The server derives the URL itself;
   * if one is sent it must equal the `publicFileUrl` that presign returned.
   * @example "https://pub-0123456789abcdef.r2.dev/3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-test-image.png"
   */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  publicFileUrl?: string | null;
}

export class SaveMetadataResponseDto {
  /** Always true on success. */
  @ApiProperty({ enum: [true] })
  success!: true;
  /** The verified file. */
  file!: FileDto;
}

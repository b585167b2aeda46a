import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { MAX_OBJECT_BYTES } from '../../common/object-size-limits.js';

/**
 * A file's size in bytes as clients declare it: a whole number from 1 byte to the largest object
 * S3 stores (5 TiB), with the same messages and OpenAPI schema on every route that takes one.
 * Route limits (UPLOAD_MAX_SIZE, 5 GiB for a single PUT) are checked by the service: they are 413s.
 */
export function FileSizeProperty(options: { required: boolean }): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_OBJECT_BYTES, required: options.required }),
    ...(options.required ? [] : [IsOptional()]),
    IsInt({ message: 'size must be a whole number of bytes' }),
    Min(1, { message: 'size must be at least 1 byte' }),
    Max(MAX_OBJECT_BYTES, { message: `size must be at most ${MAX_OBJECT_BYTES} bytes (5 TiB)` }),
  );
}

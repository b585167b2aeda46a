import type { FileDto } from './dto/file.dto.js';
import type { R2File } from './r2-file.entity.js';

/** Responses never expose entities: this is the one place a row becomes API output. */
export function toFileDto(file: R2File): FileDto {
  return {
    id: file.id,
    objectKey: file.objectKey,
    fileUrl: file.fileUrl,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size ?? 0,
    etag: file.etag,
    uploadTimestamp: file.uploadTimestamp.toISOString(),
  };
}

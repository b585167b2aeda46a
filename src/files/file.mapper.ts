import type { FileDto } from './dto/file.dto.js';
import type { R2File } from './r2-file.entity.js';
import type { ListedFileRow } from './r2-file.row.js';

/** Responses never expose entities: this file is the one place a row becomes API output. */
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

/** The same FileDto from a listed row (LISTED_FILE_COLUMNS), which carries the timestamp as ISO text already. */
export function listedFileToDto(row: ListedFileRow): FileDto {
  return {
    id: Number(row.id),
    objectKey: row.object_key,
    fileUrl: row.file_url,
    fileName: row.file_name,
    contentType: row.content_type,
    size: row.size === null ? 0 : Number(row.size),
    etag: row.etag,
    uploadTimestamp: row.uploaded_at,
  };
}

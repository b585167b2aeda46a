import { AppError } from '../../common/errors/app-error.js';
import { FILE_NAME_PROBLEM_MESSAGES, fileNameProblem, normalizeFileName } from '../file-name.js';
import type { SignUploadRequestDto } from './dto/sign-upload-request.dto.js';

/** The S3 requests of an upload, the only ones `POST /uploads/sign` signs. */
export type UploadOperation =
  'PutObject' | 'CreateMultipartUpload' | 'UploadPart' | 'ListParts' | 'CompleteMultipartUpload' | 'AbortMultipartUpload';

/**
 * Which S3 operation a request to sign is, read as S3 reads it (method and sub-resources). A
 * request that is not one of an upload's (GetObject, DeleteObject) is a 403; one whose fields
 * contradict each other a 400 naming the field.
 */
export function uploadOperationOf(request: Pick<SignUploadRequestDto, 'method' | 'uploadId' | 'partNumber'>): UploadOperation {
  const { method, uploadId, partNumber } = request;
  if (method === 'PUT') {
    if (uploadId === undefined && partNumber === undefined) return 'PutObject';
    if (uploadId === undefined) throw invalid('uploadId', 'uploadId is required with partNumber (UploadPart)');
    if (partNumber === undefined) throw invalid('partNumber', 'partNumber is required with uploadId (UploadPart)');
    return 'UploadPart';
  }
  if (partNumber !== undefined) throw invalid('partNumber', 'partNumber is only for UploadPart (method PUT with an uploadId)');
  if (method === 'POST') return uploadId === undefined ? 'CreateMultipartUpload' : 'CompleteMultipartUpload';
  if (uploadId === undefined) {
    throw new AppError(
      'OPERATION_NOT_SIGNED',
      method === 'GET'
        ? 'Only upload requests are signed here; download a file through GET /files/{id}/download-url'
        : 'Only upload requests are signed here; delete a file with DELETE /files/{id}',
    );
  }
  return method === 'GET' ? 'ListParts' : 'AbortMultipartUpload';
}

/** Uppy's own key proposal, `<uuid>-<file name>`. */
const UPPY_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(.+)$/i;

/**
 * The display name of a new upload: `fileName` when the client gives it, else the file name in
 * Uppy's proposed key (its uuid dropped). A name the rules refuse is a 400 naming the field.
 */
export function fileNameFor(request: Pick<SignUploadRequestDto, 'key' | 'fileName'>): string {
  if (request.fileName !== undefined) return request.fileName;
  const name = normalizeFileName(UPPY_KEY.exec(request.key)?.[1] ?? request.key);
  const problem = fileNameProblem(name);
  if (problem) throw invalid('key', `key gives no usable file name (${FILE_NAME_PROBLEM_MESSAGES[problem]}): pass fileName`);
  return name;
}

function invalid(field: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', problem, [{ field, problems: [problem] }]);
}

import { describe, expect, it } from '@jest/globals';

import { AppError } from '../../common/errors/app-error.js';
import { fileNameFor, uploadOperationOf } from './s3-request.js';

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? String(error.code) : 'not an AppError';
  }
  return 'no error';
};

describe('uploadOperationOf', () => {
  it.each([
    [{ method: 'PUT' }, 'PutObject'],
    [{ method: 'PUT', uploadId: 'u', partNumber: 3 }, 'UploadPart'],
    [{ method: 'POST' }, 'CreateMultipartUpload'],
    [{ method: 'POST', uploadId: 'u' }, 'CompleteMultipartUpload'],
    [{ method: 'GET', uploadId: 'u' }, 'ListParts'],
    [{ method: 'DELETE', uploadId: 'u' }, 'AbortMultipartUpload'],
  ] as const)('reads %j as %s', (request, operation) => {
    expect(uploadOperationOf(request)).toBe(operation);
  });

  it.each([
    [{ method: 'GET' }, 'OPERATION_NOT_SIGNED'],
    [{ method: 'DELETE' }, 'OPERATION_NOT_SIGNED'],
    [{ method: 'PUT', partNumber: 1 }, 'VALIDATION_FAILED'],
    [{ method: 'PUT', uploadId: 'u' }, 'VALIDATION_FAILED'],
    [{ method: 'POST', uploadId: 'u', partNumber: 1 }, 'VALIDATION_FAILED'],
    [{ method: 'GET', uploadId: 'u', partNumber: 1 }, 'VALIDATION_FAILED'],
  ] as const)('refuses %j with %s', (request, code) => {
    expect(codeOf(() => uploadOperationOf(request))).toBe(code);
  });
});

describe('fileNameFor', () => {
  it('prefers the fileName given', () => {
    expect(fileNameFor({ key: '0b5e8a52-3f0e-4c47-9b8e-6f1d2c3a4b5c-a.png', fileName: 'Photo 1.png' })).toBe('Photo 1.png');
  });

  it("takes the name from Uppy's `<uuid>-<name>` key, or the key itself", () => {
    expect(fileNameFor({ key: '0B5E8A52-3f0e-4c47-9b8e-6f1d2c3a4b5c-Résumé (1).pdf' })).toBe('Résumé (1).pdf');
    expect(fileNameFor({ key: 'uploads/2026/report.pdf' })).toBe('report.pdf');
  });

  it('refuses a key that gives no usable name, naming key', () => {
    expect(codeOf(() => fileNameFor({ key: '0b5e8a52-3f0e-4c47-9b8e-6f1d2c3a4b5c-..' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => fileNameFor({ key: 'dir/' }))).toBe('VALIDATION_FAILED');
  });
});

import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';

import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';

import type { Api } from './api.js';

/** Files above this size go up in parts (Uppy's default chunks: 5 MiB), smaller ones in one PUT. */
export const MULTIPART_THRESHOLD = 10 * 1024 * 1024;

/** What the API needs to know about a file to sign its upload, which Uppy does not pass. */
interface FileFacts {
  name?: string;
  type?: string;
  size: number | null;
}

interface Callbacks {
  /** A file is uploaded and recorded by the API. */
  onSaved(fileName: string): void;
  onError(message: string): void;
}

/**
 * Uppy with its Dashboard (drag and drop, a progress bar per file) and `@uppy/aws-s3` 6, which
 * uploads straight to the bucket: Uppy asks `signRequest` for each S3 request (PutObject, or
 * CreateMultipartUpload, UploadPart…, CompleteMultipartUpload) and the page forwards it to
 * `POST /uploads/sign` with the user's token. The API issues the object key (Uppy uses the one it
 * returns) and signs only requests of the caller's own uploads. Once Uppy has uploaded a file,
 * `POST /save-metadata` has the API verify and record it.
 */
export function createUploader(target: HTMLElement, api: Api, callbacks: Callbacks): Uppy {
  // Uppy tells signRequest only the key it generated: that key leads back to the file.
  const filesByKey = new Map<string, FileFacts>();
  const uppy = new Uppy({ id: 'r2-files' });
  uppy.use(Dashboard, {
    target,
    inline: true,
    height: 360,
    hideProgressDetails: false,
    proudlyDisplayPoweredByUppy: false,
    note: `Files over ${MULTIPART_THRESHOLD / 1024 / 1024} MiB are uploaded in parts.`,
  });
  uppy.use(AwsS3, {
    shouldUseMultipart: (file) => (file.size ?? 0) > MULTIPART_THRESHOLD,
    generateObjectKey: (file) => {
      const key = crypto.randomUUID();
      filesByKey.set(key, { name: file.name, type: file.type, size: file.size });
      return key;
    },
    signRequest: async (request) => {
      // Starting an upload (PutObject, CreateMultipartUpload): Uppy's key is ours, add the file's
      // facts so the API can check and record them. Later requests carry the API's key.
      const file = 'uploadId' in request ? undefined : filesByKey.get(request.key);
      const facts = file && {
        fileName: file.name,
        contentType: ('contentType' in request ? request.contentType : undefined) ?? (file.type || 'application/octet-stream'),
        size: file.size ?? undefined,
      };
      const signed = await api.call<{ url: string; key: string; headers: Record<string, string> }>('POST', '/uploads/sign', {
        ...request,
        ...facts,
      });
      return { url: signed.url, key: signed.key, headers: signed.headers };
    },
  });
  // Uploaded is not recorded yet: a post-processor keeps the Dashboard "processing" until the API
  // has verified the object (size, type, signature) and recorded the file.
  uppy.addPostProcessor(async (fileIDs) => {
    for (const id of fileIDs) {
      const file = uppy.getFile(id);
      const objectKey = (file.response?.body as { key?: string } | undefined)?.key;
      if (!objectKey) continue;
      try {
        await api.call('POST', '/save-metadata', { objectKey });
        callbacks.onSaved(file.name ?? objectKey);
      } catch (error) {
        callbacks.onError(`${file.name}: ${(error as Error).message}`);
      }
    }
  });
  uppy.on('upload-error', (file, error) => callbacks.onError(`${file?.name ?? 'a file'}: ${error.message}`));
  return uppy;
}

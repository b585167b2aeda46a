import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';

import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';

import type { Api } from './api.js';

/** What the API needs to know about a file to sign its upload. */
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
 * uploads straight to the bucket with URLs the API signs. Uppy asks `signRequest` for each S3
 * request; the API decides the object key (Uppy uses the one it returns). Once Uppy has uploaded a
 * file, `POST /save-metadata` has the API verify and record it.
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
  });
  uppy.use(AwsS3, {
    // One presigned PUT per file (up to 5 GiB).
    shouldUseMultipart: false,
    generateObjectKey: (file) => {
      const key = crypto.randomUUID();
      filesByKey.set(key, file);
      return key;
    },
    signRequest: async (request) => {
      const file = filesByKey.get(request.key);
      if (request.method === 'PUT' && !('uploadId' in request) && file) {
        const presigned = await api.call<{ presignedUrl: string; objectKey: string; uploadHeaders: Record<string, string> }>(
          'POST',
          '/presign-upload',
          { fileName: file.name, contentType: file.type || 'application/octet-stream', size: file.size },
        );
        return { url: presigned.presignedUrl, key: presigned.objectKey, headers: presigned.uploadHeaders };
      }
      throw new Error(`unexpected request to sign: ${request.method} ${request.key}`);
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

/*
 * Uppy 5 (`@uppy/core` 5 + `@uppy/aws-s3` 5, bundled under their own names: see the test) with its
 * custom hooks mapped onto this API: getUploadParameters → POST /presign-upload, the multipart
 * hooks → /files/multipart with `partSize` = Uppy's chunk size. No Dashboard: the test picks files
 * with the input and reads `#result`. The token comes in the URL's fragment.
 */
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';

const MiB = 1024 * 1024;
/** What Uppy 5 cuts files into (its default for files under ~48 GiB), told to the API as `partSize`. */
const CHUNK_SIZE = 5 * MiB;

const { apiUrl } = (await (await fetch('config.json')).json()) as { apiUrl: string };
const token = new URLSearchParams(location.hash.slice(1)).get('token');

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const answer = (await response.json()) as T & { code?: string; error?: string };
  if (!response.ok) throw new Error(`${response.status} ${answer.code}: ${answer.error}`);
  return answer;
}

interface PartUrls {
  parts: { partNumber: number; url: string }[];
}

const uppy = new Uppy<{ objectKey?: string }, Record<string, never>>();
uppy.use(AwsS3, {
  shouldUseMultipart: (file) => (file.size ?? 0) > 10 * MiB,
  getChunkSize: () => CHUNK_SIZE,
  async getUploadParameters(file) {
    const presigned = await api<{ presignedUrl: string; objectKey: string; uploadHeaders: Record<string, string> }>(
      'POST',
      '/presign-upload',
      {
        fileName: file.name,
        contentType: file.type,
        size: file.size,
      },
    );
    uppy.setFileMeta(file.id, { objectKey: presigned.objectKey });
    return { method: 'PUT', url: presigned.presignedUrl, headers: presigned.uploadHeaders };
  },
  async createMultipartUpload(file) {
    const started = await api<{ uploadId: string; objectKey: string }>('POST', '/files/multipart', {
      fileName: file.name,
      contentType: file.type,
      size: file.size,
      partSize: CHUNK_SIZE,
    });
    return { uploadId: started.uploadId, key: started.objectKey };
  },
  async signPart(_file, { uploadId, partNumber }) {
    const { parts } = await api<PartUrls>('POST', `/files/multipart/${uploadId}/part-urls`, { partNumbers: [partNumber] });
    return { url: parts[0]?.url ?? '' };
  },
  async listParts(_file, { uploadId }) {
    const status = await api<{ parts: { partNumber: number; etag: string; size: number }[] }>('GET', `/files/multipart/${uploadId}`);
    return status.parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag, Size: part.size }));
  },
  async completeMultipartUpload(_file, { uploadId, parts }) {
    // The API checks the parts, assembles the object, verifies and records the file.
    await api('POST', `/files/multipart/${uploadId}/complete`, {
      parts: parts.map((part) => ({ partNumber: part.PartNumber, etag: part.ETag })),
    });
    return {};
  },
  async abortMultipartUpload(_file, { uploadId }) {
    await api('DELETE', `/files/multipart/${uploadId}`);
  },
});

const input = document.getElementById('files') as HTMLInputElement;
input.addEventListener('change', () => {
  void (async () => {
    for (const file of Array.from(input.files ?? [])) uppy.addFile({ name: file.name, type: file.type, data: file });
    const result = await uppy.upload();
    const saved: string[] = [];
    const failed: string[] = (result?.failed ?? []).map((file) => `${file.name}: ${String(file.error)}`);
    for (const file of result?.successful ?? []) {
      // A single PUT is recorded now; a multipart upload was recorded by its complete.
      if (file.meta.objectKey) await api('POST', '/save-metadata', { objectKey: file.meta.objectKey });
      saved.push(file.name ?? '');
    }
    document.getElementById('result')!.textContent = JSON.stringify({ saved: saved.sort(), failed });
  })().catch((error: Error) => (document.getElementById('result')!.textContent = JSON.stringify({ saved: [], failed: [error.message] })));
});

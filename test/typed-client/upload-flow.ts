/*
 * A client of the API written as an adopter would write it: openapi-fetch typed by the committed
 * clients/typescript/openapi.d.ts (generated from openapi.json), nothing else of this repository.
 * test/typed-client.e2e-spec.ts type-checks this file with `tsc --strict` on its own
 * (test/typed-client/tsconfig.json) and runs uploadFlow() against the app on a real port.
 */
import createClient, { type Client } from 'openapi-fetch';

import type { components, paths } from '../../clients/typescript/openapi.js';

type FieldError = components['schemas']['FieldErrorDto'];
type StoredFile = components['schemas']['FileDto'];

export interface UploadFlowResult {
  /** `details[].field` of the 400 VALIDATION_FAILED for an empty fileName, read with its type. */
  invalidFields: string[];
  /** `details.maxSize` of the 413 FILE_TOO_LARGE for an oversized file, read with its type. */
  maxSize: number;
  saved: StoredFile;
  listed: StoredFile[];
  downloaded: Uint8Array;
  deleteStatus: number;
  /** `code` of reading the file after deleting it. */
  afterDelete: string;
}

/** register → presign → PUT → save-metadata → list → download-url → delete, with typed errors on the way. */
export async function uploadFlow(
  baseUrl: string,
  email: string,
  file: { name: string; type: string; bytes: Uint8Array },
): Promise<UploadFlowResult> {
  const anonymous = createClient<paths>({ baseUrl });
  const registered = await anonymous.POST('/auth/register', { body: { email, password: 'a long password' } });
  if (!registered.data) throw new Error(`register failed: ${registered.error?.code}`);
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${registered.data.accessToken}` } });

  // Errors are typed per code: `details` narrows with `code`.
  const refused = await api.POST('/presign-upload', { body: { fileName: ' ', contentType: file.type } });
  const invalidFields = refused.error?.code === 'VALIDATION_FAILED' ? refused.error.details.map((d: FieldError) => d.field) : [];
  const tooLarge = await api.POST('/presign-upload', { body: { fileName: file.name, contentType: file.type, size: 5 * 1024 ** 3 } });
  const maxSize = tooLarge.error?.code === 'FILE_TOO_LARGE' ? tooLarge.error.details.maxSize : NaN;

  const presigned = await api.POST('/presign-upload', {
    body: { fileName: file.name, contentType: file.type, size: file.bytes.byteLength },
  });
  if (!presigned.data) throw new Error(`presign failed: ${presigned.error.code}`);
  const put = await fetch(presigned.data.presignedUrl, {
    method: presigned.data.method,
    headers: presigned.data.uploadHeaders,
    body: file.bytes,
  });
  if (!put.ok) throw new Error(`PUT failed: ${put.status}`);

  const saved = await api.POST('/save-metadata', { body: { objectKey: presigned.data.objectKey } });
  if (!saved.data) throw new Error(`save-metadata failed: ${saved.error.code}`);
  const id = saved.data.file.id;

  const listed = await api.GET('/files', { params: { query: { limit: 10 } } });
  if (!listed.data) throw new Error(`list failed: ${listed.error.code}`);

  const link = await api.GET('/files/{id}/download-url', { params: { path: { id } } });
  if (!link.data) throw new Error(`download-url failed: ${link.error.code}`);
  const downloaded = new Uint8Array(await (await fetch(link.data.url)).arrayBuffer());

  const deleted = await api.DELETE('/files/{id}', { params: { path: { id } } });
  const gone = await api.GET('/files/{id}', { params: { path: { id } } });

  return {
    invalidFields,
    maxSize,
    saved: saved.data.file,
    listed: listed.data.items,
    downloaded,
    deleteStatus: deleted.response.status,
    afterDelete: gone.error?.code ?? 'found',
  };
}

/** Never called: each marked line must fail to compile, or `tsc` fails on the unused directive. */
export function mistakesTheTypesCatch(api: Client<paths>): unknown[] {
  return [
    // @ts-expect-error size is a number of bytes, not a string
    api.POST('/presign-upload', { body: { fileName: 'a.png', contentType: 'image/png', size: '10' } }),
    // @ts-expect-error contentType is required
    api.POST('/presign-upload', { body: { fileName: 'a.png' } }),
    // @ts-expect-error the id is a path parameter that must be given
    api.GET('/files/{id}', {}),
    // @ts-expect-error no such route
    api.GET('/file-list'),
    api.GET('/files/{id}', { params: { path: { id: 1 } } }).then(({ error }) => {
      if (error?.code === 'FILE_NOT_FOUND') {
        // @ts-expect-error FILE_NOT_FOUND answers carry no details
        return error.details;
      }
      // @ts-expect-error getFile never answers EMAIL_TAKEN
      return error?.code === 'EMAIL_TAKEN';
    }),
  ];
}

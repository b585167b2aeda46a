import { request as httpRequest } from 'node:http';

import type pg from 'pg';

import type { FileDto } from '../../src/files/dto/file.dto.js';
import type { PresignUploadDto, PresignUploadResponseDto } from '../../src/files/dto/presign-upload.dto.js';
import type { CompletedPartDto, PartUrlDto } from '../../src/files/multipart/dto/multipart.dto.js';
import type { PendingWrite } from '../../src/files/r2-files.repository.js';
import type { Caller } from './api-client.js';
import type { TestApp } from './test-app.js';

/** What the store answered to a PUT: its status, the ETag it gave, and its S3 error code if it refused. */
export interface StoreAnswer {
  status: number;
  etag: string | null;
  code: string | undefined;
}

/**
 * PUTs `body` straight to the store at a presigned URL, as a browser or `curl --upload-file` does:
 * the client's side of the flow, never through the API.
 */
export async function putToStore(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<StoreAnswer> {
  const response = await fetch(url, { method: 'PUT', body, headers });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag'), code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

/** Presigns an upload for `caller` and PUTs `bytes` with the headers the API said to send; fails unless the store took them. */
export async function presignAndPut(
  t: TestApp,
  caller: Caller,
  request: PresignUploadDto,
  bytes: Buffer | string,
): Promise<PresignUploadResponseDto> {
  const { body: presigned } = await t.api.as(caller).presign(request).expect(201);
  const put = await putToStore(presigned.presignedUrl, bytes, { 'Content-Type': request.contentType });
  if (put.status !== 200) throw new Error(`PUT to the presigned URL failed: ${put.status} ${put.code}`);
  return presigned;
}

/** The whole upload flow (presign → PUT → confirm); returns the confirmed file. */
export async function uploadFile(
  t: TestApp,
  auth: { Authorization: string },
  fileName: string,
  contentType: string,
  bytes: Buffer | string,
): Promise<FileDto> {
  const presigned = await presignAndPut(t, { auth }, { fileName, contentType }, bytes);
  const saved = await t.api.as({ auth }).saveMetadata({ objectKey: presigned.objectKey }).expect(201);
  return saved.body.file;
}

/** The bytes of one part of `file`: parts are `partSize` long, the last one shorter. */
export function partOf(file: Buffer, part: PartUrlDto, partSize: number): Buffer {
  const start = (part.partNumber - 1) * partSize;
  return file.subarray(start, start + part.size);
}

/** PUTs each part of `file` to its presigned URL; returns the part list for completing, in order. */
export async function putParts(parts: PartUrlDto[], file: Buffer, partSize: number): Promise<CompletedPartDto[]> {
  const completed: CompletedPartDto[] = [];
  for (const part of parts) {
    const put = await putToStore(part.url, partOf(file, part, partSize));
    if (put.status !== 200 || !put.etag) throw new Error(`PUT of part ${part.partNumber} failed: ${put.status} ${put.code}`);
    completed.push({ partNumber: part.partNumber, etag: put.etag });
  }
  return completed.sort((a, b) => a.partNumber - b.partNumber);
}

/**
 * Starts a PUT of `declaredLength` bytes to a presigned URL, sends only `sentBytes` of them and
 * drops the connection: a browser tab closed (or a network lost) in the middle of a part.
 */
export async function cutOffPut(url: string, declaredLength: number, sentBytes: number): Promise<void> {
  const request = httpRequest(url, { method: 'PUT', headers: { 'Content-Length': String(declaredLength) } });
  request.on('error', () => undefined); // the connection is ours to break
  await new Promise<void>((resolve) => request.write(Buffer.alloc(sentBytes, 'x'), () => resolve()));
  await new Promise<void>((resolve) => {
    request.once('close', () => resolve());
    request.destroy();
  });
}

/**
 * Moves the expiry of pending uploads `secondsAgo` into the past, as if their time had run out
 * (the confirm window, or also the sweeper's grace period when it is longer than that).
 */
export async function expireUploads(t: TestApp, objectKeys: string | string[], secondsAgo: number): Promise<void> {
  await t.db.query(`UPDATE r2_files SET expires_at = now() - make_interval(secs => $2) WHERE object_key = ANY($1)`, [
    ([] as string[]).concat(objectKeys),
    secondsAgo,
  ]);
}

/**
 * Moves the URL expiry of pending uploads into the past, as if their presigned URLs had run out
 * (their confirm window still open): they no longer count against the pending-upload cap.
 */
export async function expireUploadUrls(t: TestApp, objectKeys: string | string[]): Promise<void> {
  await t.db.query(`UPDATE r2_files SET url_expires_at = now() - interval '1 second' WHERE object_key = ANY($1)`, [
    ([] as string[]).concat(objectKeys),
  ]);
}

/** Calls `r2_files_create_pending_batch` in SQL on `client`: the new ids in the order of `uploads`, null where capped. */
export async function createPendingBatch(client: Pick<pg.ClientBase, 'query'>, uploads: PendingWrite[]): Promise<(string | null)[]> {
  const { rows } = await client.query<{ ids: (string | null)[] }>(`SELECT r2_files_create_pending_batch($1) AS ids`, [
    JSON.stringify(uploads),
  ]);
  return rows[0]!.ids;
}

/** One upload as `r2_files_create_pending_batch` takes it (a JSON array of these), for tests that call the function in SQL. */
export function pendingUploadJson(userId: string, objectKey: string, cap = 100): PendingWrite {
  return {
    user_id: userId,
    object_key: objectKey,
    file_url: null,
    file_name: 'f.txt',
    content_type: 'text/plain',
    declared_size: null,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    url_expires_at: new Date(Date.now() + 300_000).toISOString(),
    multipart_upload_id: null,
    part_size: null,
    part_count: null,
    cap,
  };
}

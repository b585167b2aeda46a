import type { TestApp } from './test-app.js';

/** Runs the whole upload flow (presign → PUT → confirm) and returns the confirmed file. */
export async function uploadFile(
  t: TestApp,
  auth: { Authorization: string },
  fileName: string,
  contentType: string,
  bytes: Buffer | string,
): Promise<{ id: number; objectKey: string; fileUrl: string | null; fileName: string; size: number }> {
  const presign = await t.http.post('/presign-upload').set(auth).send({ fileName, contentType }).expect(201);
  const put = await fetch(presign.body.presignedUrl, { method: 'PUT', body: bytes, headers: { 'Content-Type': contentType } });
  if (put.status !== 200) throw new Error(`PUT to the presigned URL failed: ${put.status} ${await put.text()}`);
  const saved = await t.http.post('/save-metadata').set(auth).send({ objectKey: presign.body.objectKey }).expect(201);
  return saved.body.file;
}

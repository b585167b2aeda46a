import { describe, expect, it } from '@jest/globals';

import { pngBytes } from './support/fixtures.js';
import { registerUser, useTestApp } from './support/test-app.js';
import { putParts } from './support/uploads.js';

const MiB = 1024 * 1024;

/**
 * A client that cuts the file itself (Uppy 5 decides its chunk size, 5 MiB by default, before it
 * talks to the server) gives its `partSize`; the server's own part size (16 MiB here) must not win.
 */
describe('multipart uploads with a part size chosen by the client', () => {
  const t = useTestApp({ MULTIPART_PART_SIZE: String(16 * MiB), UPLOAD_MAX_SIZE: String(100 * 1024 ** 3) });

  it('cuts a 12 MiB file into 5, 5 and 2 MiB parts, each signed for its length; completes and verifies', async () => {
    const user = await registerUser(t);
    const file = pngBytes(12 * MiB);
    const started = await t.api
      .as(user)
      .startMultipart({ fileName: 'chunked.png', contentType: 'image/png', size: file.length, partSize: 5 * MiB })
      .expect(201);
    expect(started.body).toMatchObject({ partSize: 5 * MiB, partCount: 3 });
    expect(started.body.parts.map((part) => [part.partNumber, part.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, 2 * MiB],
    ]);
    for (const part of started.body.parts) {
      expect(new URL(part.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    }

    const parts = await putParts(started.body.parts, file, started.body.partSize);
    const completed = await t.api.as(user).completeMultipart(started.body.uploadId, parts).expect(201);
    expect(completed.body.file).toMatchObject({ objectKey: started.body.objectKey, contentType: 'image/png', size: file.length });
    expect((await t.bucket.read(started.body.objectKey))?.equals(file)).toBe(true);
  });

  it('keeps the server part size when the client gives none', async () => {
    const user = await registerUser(t);
    const started = await t.api
      .as(user)
      .startMultipart({ fileName: 'plain.bin', contentType: 'application/octet-stream', size: 20 * MiB })
      .expect(201);
    expect(started.body).toMatchObject({ partSize: 16 * MiB, partCount: 2 });
  });

  it.each([
    ['below 5 MiB', { size: 12 * MiB, partSize: 5 * MiB - 1 }, /at least 5242880/],
    ['above 5 GiB', { size: 12 * MiB, partSize: 5 * 1024 ** 3 + 1 }, /at most 5368709120/],
    ['not a whole number', { size: 12 * MiB, partSize: 5 * MiB + 0.5 }, /whole number/],
    // 10,001 parts of 5 MiB: the answer names the smallest size that fits.
    ['more than 10,000 parts', { size: 10_001 * 5 * MiB, partSize: 5 * MiB }, /more than 10000 parts; use at least 5243405 bytes/],
  ])('refuses a part size %s with 400 naming partSize, and records nothing', async (_, request, problem) => {
    const user = await registerUser(t);
    const refused = await t.api
      .as(user)
      .startMultipart({ fileName: 'x.bin', contentType: 'application/octet-stream', ...request })
      .expect(400);
    expect(refused.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'partSize', problems: [expect.stringMatching(problem)] }],
    });
    const [{ count }] = await t.db.query<[{ count: number }]>('SELECT count(*)::int AS count FROM r2_files WHERE user_id = $1', [user.id]);
    expect(count).toBe(0);
  });
});

// The floor presign is compared with: what the seed guide's `POST /presign-upload` handler does
// (shared/seed/neon-r2-guide.txt), on plain node:http — read the JSON body, check the two fields,
// make a key, `getSignedUrl(s3, new PutObjectCommand(...), { expiresIn: 300 })`, answer JSON. No
// auth, no database, no logs, no validation beyond the guide's. Started by bench/run.ts; prints
// its port on stdout once listening.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const bucket = process.env.R2_BUCKET_NAME;
const publicBaseUrl = process.env.R2_PUBLIC_BASE_URL;
// As the guide builds it (plus path-style, which the local emulator needs).
const s3 = new S3Client({
  region: process.env.S3_REGION,
  endpoint: process.env.S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.R2_ACCESS_KEY_ID, secretAccessKey: process.env.R2_SECRET_ACCESS_KEY },
});

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/presign-upload') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const { fileName, contentType } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!fileName || !contentType) throw new Error('fileName and contentType required');
      const objectKey = `${randomUUID()}-${fileName}`;
      const publicFileUrl = publicBaseUrl ? `${publicBaseUrl}/${objectKey}` : null;
      const command = new PutObjectCommand({ Bucket: bucket, Key: objectKey, ContentType: contentType });
      const presignedUrl = await getSignedUrl(s3, command, { expiresIn: 300 });
      send(res, 200, { success: true, presignedUrl, objectKey, publicFileUrl });
    } catch {
      send(res, 500, { success: false, error: 'Failed to prepare upload' });
    }
  });
});

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

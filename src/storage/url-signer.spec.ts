import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from '@jest/globals';

import { multipartRequest } from './r2.service.js';
import type { PresignMultipartInput } from './storage.types.js';
import { UrlSigner, type UrlSignerOptions } from './url-signer.js';

/** The SDK's presigner is the reference: our URLs must mean exactly the same for the same inputs. */
const setups: [string, UrlSignerOptions][] = [
  [
    'Cloudflare R2 (virtual-hosted, region auto)',
    {
      endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
      region: 'auto',
      bucket: 'my-neon-app-files',
      forcePathStyle: false,
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    },
  ],
  [
    'MinIO (path-style, port)',
    {
      endpoint: 'http://localhost:9000',
      region: 'us-east-1',
      bucket: 'r2-files',
      forcePathStyle: true,
      accessKeyId: 'minio',
      secretAccessKey: 'minio-secret',
    },
  ],
];

const signingDate = new Date('2026-11-29T12:00:00Z');
const clients: S3Client[] = [];
const sdkClient = (o: UrlSignerOptions) => {
  const client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  clients.push(client);
  return client;
};
const normalise = (url: string) => {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname, query: [...parsed.searchParams.entries()].sort(([a], [b]) => a.localeCompare(b)) };
};

afterAll(() => clients.forEach((client) => client.destroy()));

describe.each(setups)('UrlSigner against getSignedUrl — %s', (_name, options) => {
  const signer = new UrlSigner(options);
  const key = '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b-My_photo.v2.png';

  it('signs a PUT with Content-Type and Content-Length identically', async () => {
    const ours = signer.presign({
      method: 'PUT',
      key,
      query: { 'x-id': 'PutObject' },
      signedHeaders: { 'Content-Type': 'image/png', 'Content-Length': '48213' },
      expiresInSeconds: 300,
      signingDate,
    });
    const reference = await getSignedUrl(
      sdkClient(options),
      new PutObjectCommand({ Bucket: options.bucket, Key: key, ContentType: 'image/png', ContentLength: 48213 }),
      { expiresIn: 300, signableHeaders: new Set(['content-type']), signingDate },
    );
    expect(normalise(ours)).toEqual(normalise(reference));
    expect(ours).not.toMatch(/checksum/i);
  });

  it('signs an UploadPart identically', async () => {
    const ours = signer.presign({
      method: 'PUT',
      key,
      query: { 'x-id': 'UploadPart', partNumber: '7', uploadId: 'abc.DEF-123_~x' },
      signedHeaders: { 'Content-Length': '5242880' },
      expiresInSeconds: 3600,
      signingDate,
    });
    const reference = await getSignedUrl(
      sdkClient(options),
      new UploadPartCommand({ Bucket: options.bucket, Key: key, UploadId: 'abc.DEF-123_~x', PartNumber: 7, ContentLength: 5242880 }),
      { expiresIn: 3600, signingDate },
    );
    expect(normalise(ours)).toEqual(normalise(reference));
  });

  it('signs a PUT without a known length (Content-Type only) identically', async () => {
    const ours = signer.presign({
      method: 'PUT',
      key,
      query: { 'x-id': 'PutObject' },
      signedHeaders: { 'Content-Type': 'image/png' },
      expiresInSeconds: 300,
      signingDate,
    });
    const reference = await getSignedUrl(
      sdkClient(options),
      new PutObjectCommand({ Bucket: options.bucket, Key: key, ContentType: 'image/png' }),
      { expiresIn: 300, signableHeaders: new Set(['content-type']), signingDate },
    );
    expect(normalise(ours)).toEqual(normalise(reference));
  });

  it('signs an UploadPart without a length identically', async () => {
    const ours = signer.presign({
      method: 'PUT',
      key,
      query: { 'x-id': 'UploadPart', partNumber: '2', uploadId: 'u-1' },
      expiresInSeconds: 3600,
      signingDate,
    });
    const reference = await getSignedUrl(
      sdkClient(options),
      new UploadPartCommand({ Bucket: options.bucket, Key: key, UploadId: 'u-1', PartNumber: 2 }),
      { expiresIn: 3600, signingDate },
    );
    expect(normalise(ours)).toEqual(normalise(reference));
  });

  // The requests a browser sends to the store itself when the API signs them for Uppy 6.
  const uploadId = 'abc.DEF-123_~x';
  it.each<{ name: string; input: PresignMultipartInput; command: object; signed?: string[] }>([
    {
      name: 'CreateMultipartUpload (Content-Type signed)',
      input: { operation: 'CreateMultipartUpload', key, contentType: 'video/mp4', expiresInSeconds: 300 },
      command: new CreateMultipartUploadCommand({ Bucket: options.bucket, Key: key, ContentType: 'video/mp4' }),
      signed: ['content-type'],
    },
    {
      name: 'ListParts',
      input: { operation: 'ListParts', key, uploadId, expiresInSeconds: 300 },
      command: new ListPartsCommand({ Bucket: options.bucket, Key: key, UploadId: uploadId }),
    },
    {
      name: 'CompleteMultipartUpload',
      input: { operation: 'CompleteMultipartUpload', key, uploadId, expiresInSeconds: 300 },
      command: new CompleteMultipartUploadCommand({ Bucket: options.bucket, Key: key, UploadId: uploadId }),
    },
    {
      name: 'AbortMultipartUpload',
      input: { operation: 'AbortMultipartUpload', key, uploadId, expiresInSeconds: 300 },
      command: new AbortMultipartUploadCommand({ Bucket: options.bucket, Key: key, UploadId: uploadId }),
    },
  ])('signs $name identically', async ({ input, command, signed }) => {
    const { method, query } = multipartRequest(input);
    const ours = signer.presign({
      method,
      key,
      query,
      signedHeaders: input.operation === 'CreateMultipartUpload' ? { 'Content-Type': input.contentType } : {},
      expiresInSeconds: 300,
      signingDate,
    });
    const reference = await getSignedUrl(sdkClient(options), command as Parameters<typeof getSignedUrl>[1], {
      expiresIn: 300,
      signableHeaders: new Set(signed),
      signingDate,
    });
    expect(normalise(ours)).toEqual(normalise(reference));
  });

  it("signs a GET with a Unicode Content-Disposition identically (RFC 3986 escaping of '()*)", async () => {
    const disposition = `attachment; filename="Resume (1).pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%281%29.pdf`;
    const ours = signer.presign({
      method: 'GET',
      key,
      query: { 'response-content-disposition': disposition, 'x-id': 'GetObject' },
      expiresInSeconds: 3600,
      signingDate,
    });
    const reference = await getSignedUrl(
      sdkClient(options),
      new GetObjectCommand({ Bucket: options.bucket, Key: key, ResponseContentDisposition: disposition }),
      { expiresIn: 3600, signingDate },
    );
    expect(normalise(ours)).toEqual(normalise(reference));
  });

  it('derives the signing key again when the day changes, and signs keys with spaces, slashes and Unicode', async () => {
    const awkward = 'uploads/2026 11/Résumé (final)*.pdf';
    for (const date of [signingDate, new Date('2026-11-30T00:00:01Z'), signingDate]) {
      const ours = signer.presign({
        method: 'PUT',
        key: awkward,
        query: { 'x-id': 'PutObject' },
        signedHeaders: { 'Content-Type': 'application/pdf' },
        expiresInSeconds: 60,
        signingDate: date,
      });
      const reference = await getSignedUrl(
        sdkClient(options),
        new PutObjectCommand({ Bucket: options.bucket, Key: awkward, ContentType: 'application/pdf' }),
        { expiresIn: 60, signableHeaders: new Set(['content-type']), signingDate: date },
      );
      expect(normalise(ours)).toEqual(normalise(reference));
    }
  });
});

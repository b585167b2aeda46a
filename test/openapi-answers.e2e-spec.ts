import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import type { Response, Test } from 'supertest';

import { createBucketInspector } from './support/bucket.js';
import { pngBytes } from './support/fixtures.js';
import { createSpecValidator, type SpecValidator } from './support/openapi-validator.js';
import { type TestApp, useTestApp } from './support/test-app.js';
import { expireUploads } from './support/uploads.js';

/*
 * Every operation of openapi.json is called against the real app (real PostgreSQL, the SigV4-checking
 * S3 emulator) with a good request and with the bad ones that can be made without breaking a
 * dependency, and every real answer is validated against the document by a third-party validator
 * (openapi-backend): its status must be documented for that operation, its body must match that
 * status's schema, its documented headers must be there.
 *
 * An operation in the document without cases here fails the test, and so does a documented 4xx code
 * no case produced (unless UNREACHABLE says why it cannot be produced): a new route must come with
 * its cases. The cases every route of a kind gets (no token, bad JSON…) are made from the document.
 */

const MiB = 1024 * 1024;
const ENV = {
  UPLOAD_MAX_SIZE: String(MiB),
  UPLOAD_ALLOWED_TYPES: 'image/*,text/plain,application/pdf',
  UPLOAD_MAX_PENDING_PER_USER: '3',
  AUTH_RATE_LIMIT: '3',
};
const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as OpenApiDocument;

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { operationId: string; requestBody?: unknown; security?: unknown[]; parameters?: { in?: string }[] }>
  >;
}
interface User {
  email: string;
  password: string;
  auth: { Authorization: string };
}
type Method = 'get' | 'post' | 'delete' | 'put' | 'patch';

/** What a case may use: the app, users and shortcuts to put uploads in the state it needs. */
interface Context {
  t: TestApp;
  /** A request from a client IP of its own (the auth rate limit counts per IP). */
  call(method: Method, path: string, ip?: string): Test;
  /** A user shared by the cases that create nothing pending. */
  user: User;
  newUser(): Promise<User>;
  presign(user: User, body?: object): Promise<{ objectKey: string; presignedUrl: string; uploadHeaders: Record<string, string> }>;
  put(url: string, bytes: Buffer | string, headers: Record<string, string>): Promise<void>;
  /** A confirmed file of `user`. */
  uploadFile(user: User): Promise<{ id: number; objectKey: string }>;
  startMultipart(user: User, body?: object): Promise<{ uploadId: string; objectKey: string; parts: { partNumber: number; url: string }[] }>;
  /** PUTs `bytes` as part 1 and returns the parts list `complete` wants. */
  putPart(url: string, bytes: Buffer): Promise<{ partNumber: number; etag: string }[]>;
  /** Moves an upload's deadline into the past (what time would do). */
  expire(objectKey: string): Promise<void>;
  bucket: ReturnType<typeof createBucketInspector>;
  nextIp(): string;
  /** The operation under test: its method, and its path with parameters that reach the route. */
  method: Method;
  path: string;
}

interface Case {
  name: string;
  status: number;
  code?: string;
  send(c: Context): Promise<Response>;
}

const auth = (c: Context, method: Method, path: string, user: User = c.user) => c.call(method, path).set(user.auth);

/** The cases of each operation, by operationId: at least a good request, and each reachable error. */
const CASES: Record<string, Case[]> = {
  register: [
    {
      name: 'a new account',
      status: 201,
      send: (c) => c.call('post', '/auth/register').send({ email: `new-${c.nextIp()}@example.com`, password: 'a long password' }),
    },
    {
      name: 'a short password',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => c.call('post', '/auth/register').send({ email: 'short@example.com', password: 'short' }),
    },
    {
      name: 'an email already registered',
      status: 409,
      code: 'EMAIL_TAKEN',
      send: (c) => c.call('post', '/auth/register').send({ email: c.user.email, password: 'another long password' }),
    },
    {
      name: 'more attempts than AUTH_RATE_LIMIT from one IP',
      status: 429,
      code: 'RATE_LIMITED',
      send: (c) => burst(c, '/auth/register'),
    },
  ],
  login: [
    {
      name: 'the right password',
      status: 200,
      send: (c) => c.call('post', '/auth/login').send({ email: c.user.email, password: c.user.password }),
    },
    {
      name: 'a wrong password',
      status: 401,
      code: 'INVALID_CREDENTIALS',
      send: (c) => c.call('post', '/auth/login').send({ email: c.user.email, password: 'not the password' }),
    },
    {
      name: 'more attempts than AUTH_RATE_LIMIT from one IP',
      status: 429,
      code: 'RATE_LIMITED',
      send: (c) => burst(c, '/auth/login'),
    },
  ],
  getMe: [{ name: 'a valid token', status: 200, send: (c) => auth(c, 'get', '/auth/me') }],
  presignUpload: [
    {
      name: 'a name and a type (the seed guide’s request)',
      status: 201,
      send: async (c) => auth(c, 'post', '/presign-upload', await c.newUser()).send({ fileName: 'a.png', contentType: 'image/png' }),
    },
    {
      name: 'with a size and a directory in the name',
      status: 201,
      send: async (c) =>
        auth(c, 'post', '/presign-upload', await c.newUser()).send({
          fileName: 'C:\\fakepath\\b.pdf',
          contentType: 'application/pdf',
          size: 10,
        }),
    },
    {
      name: 'a name with a bidi override',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => auth(c, 'post', '/presign-upload').send({ fileName: 'invoice\u202egnp.exe', contentType: 'image/png' }),
    },
    {
      name: 'a size above UPLOAD_MAX_SIZE',
      status: 413,
      code: 'FILE_TOO_LARGE',
      send: (c) => auth(c, 'post', '/presign-upload').send({ fileName: 'a.png', contentType: 'image/png', size: 2 * MiB }),
    },
    {
      name: 'a type outside UPLOAD_ALLOWED_TYPES',
      status: 415,
      code: 'CONTENT_TYPE_NOT_ALLOWED',
      send: (c) => auth(c, 'post', '/presign-upload').send({ fileName: 'a.exe', contentType: 'application/x-msdownload' }),
    },
    {
      name: 'one more pending upload than UPLOAD_MAX_PENDING_PER_USER',
      status: 429,
      code: 'TOO_MANY_PENDING_UPLOADS',
      send: async (c) => {
        const user = await c.newUser();
        for (let i = 0; i < 3; i += 1) await c.presign(user);
        return auth(c, 'post', '/presign-upload', user).send({ fileName: 'a.png', contentType: 'image/png' });
      },
    },
  ],
  saveMetadata: [
    {
      name: 'an uploaded PNG',
      status: 201,
      send: async (c) => {
        const user = await c.newUser();
        const presigned = await c.presign(user);
        await c.put(presigned.presignedUrl, pngBytes(100), presigned.uploadHeaders);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey: presigned.objectKey });
      },
    },
    {
      name: 'a file confirmed before (idempotent)',
      status: 201,
      send: async (c) => {
        const user = await c.newUser();
        const file = await c.uploadFile(user);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey: file.objectKey, publicFileUrl: null });
      },
    },
    {
      name: 'a publicFileUrl that was not issued',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.presign(user);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey, publicFileUrl: 'https://evil.example/x' });
      },
    },
    {
      name: 'a key never presigned',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: (c) => auth(c, 'post', '/save-metadata').send({ objectKey: 'no-such-key.png' }),
    },
    {
      name: 'before the PUT',
      status: 409,
      code: 'OBJECT_NOT_UPLOADED',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.presign(user);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey });
      },
    },
    {
      name: 'after the confirm window',
      status: 410,
      code: 'UPLOAD_EXPIRED',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.presign(user);
        await c.expire(objectKey);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey });
      },
    },
    {
      name: 'an object larger than UPLOAD_MAX_SIZE (no size declared)',
      status: 413,
      code: 'FILE_TOO_LARGE',
      send: async (c) => {
        const user = await c.newUser();
        const presigned = await c.presign(user, { fileName: 'big.txt', contentType: 'text/plain' });
        await c.put(presigned.presignedUrl, Buffer.alloc(MiB + 1, 'a'), presigned.uploadHeaders);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey: presigned.objectKey });
      },
    },
    {
      name: 'an object of another size than declared',
      status: 422,
      code: 'SIZE_MISMATCH',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.presign(user, { fileName: 'a.txt', contentType: 'text/plain', size: 10 });
        await c.bucket.put(objectKey, 'eleven byte', 'text/plain');
        return auth(c, 'post', '/save-metadata', user).send({ objectKey });
      },
    },
    {
      name: 'an object of another type than presigned',
      status: 422,
      code: 'CONTENT_TYPE_MISMATCH',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.presign(user, { fileName: 'a.txt', contentType: 'text/plain' });
        await c.bucket.put(objectKey, 'hello', 'application/pdf');
        return auth(c, 'post', '/save-metadata', user).send({ objectKey });
      },
    },
    {
      name: 'a "PNG" that is not one',
      status: 422,
      code: 'FILE_SIGNATURE_MISMATCH',
      send: async (c) => {
        const user = await c.newUser();
        const presigned = await c.presign(user);
        await c.put(presigned.presignedUrl, 'not a png at all', presigned.uploadHeaders);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey: presigned.objectKey });
      },
    },
    {
      name: 'an upload rejected before',
      status: 422,
      code: 'UPLOAD_REJECTED',
      send: async (c) => {
        const user = await c.newUser();
        const presigned = await c.presign(user);
        await c.put(presigned.presignedUrl, 'not a png at all', presigned.uploadHeaders);
        await auth(c, 'post', '/save-metadata', user).send({ objectKey: presigned.objectKey }).expect(422);
        return auth(c, 'post', '/save-metadata', user).send({ objectKey: presigned.objectKey });
      },
    },
  ],
  listFiles: [
    { name: 'the first page', status: 200, send: (c) => auth(c, 'get', '/files') },
    {
      name: 'the next page, filtered by type',
      status: 200,
      send: async (c) => {
        const first = await auth(c, 'get', '/files?limit=1&contentType=image/').expect(200);
        expect(first.body.nextCursor).toEqual(expect.any(String));
        return auth(c, 'get', `/files?limit=1&contentType=image/&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      },
    },
    { name: 'a limit above 200', status: 400, code: 'VALIDATION_FAILED', send: (c) => auth(c, 'get', '/files?limit=201') },
    { name: 'a made-up cursor', status: 400, code: 'INVALID_CURSOR', send: (c) => auth(c, 'get', '/files?cursor=bm9wZQ') },
  ],
  getFile: [
    { name: 'a file of the caller', status: 200, send: async (c) => auth(c, 'get', `/files/${(await c.uploadFile(c.user)).id}`) },
    { name: 'an id that is not a number', status: 400, code: 'VALIDATION_FAILED', send: (c) => auth(c, 'get', '/files/abc') },
    {
      name: 'another user’s file',
      status: 404,
      code: 'FILE_NOT_FOUND',
      send: async (c) => auth(c, 'get', `/files/${(await c.uploadFile(await c.newUser())).id}`),
    },
  ],
  getDownloadUrl: [
    {
      name: 'a file of the caller',
      status: 200,
      send: async (c) => auth(c, 'get', `/files/${(await c.uploadFile(c.user)).id}/download-url`),
    },
    {
      name: 'to view inline',
      status: 200,
      send: async (c) => auth(c, 'get', `/files/${(await c.uploadFile(c.user)).id}/download-url?disposition=inline`),
    },
    { name: 'id 0', status: 400, code: 'VALIDATION_FAILED', send: (c) => auth(c, 'get', '/files/0/download-url') },
    {
      name: 'an unknown disposition',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => auth(c, 'get', '/files/1/download-url?disposition=x'),
    },
    { name: 'an unknown id', status: 404, code: 'FILE_NOT_FOUND', send: (c) => auth(c, 'get', '/files/999999999/download-url') },
  ],
  deleteFile: [
    { name: 'a file of the caller', status: 204, send: async (c) => auth(c, 'delete', `/files/${(await c.uploadFile(c.user)).id}`) },
    {
      name: 'a file deleted before',
      status: 404,
      code: 'FILE_NOT_FOUND',
      send: async (c) => {
        const { id } = await c.uploadFile(c.user);
        await auth(c, 'delete', `/files/${id}`).expect(204);
        return auth(c, 'delete', `/files/${id}`);
      },
    },
    { name: 'a negative id', status: 400, code: 'VALIDATION_FAILED', send: (c) => auth(c, 'delete', '/files/-1') },
  ],
  signUploadRequest: [
    {
      name: 'PutObject, as Uppy 6 asks',
      status: 200,
      send: async (c) =>
        auth(c, 'post', '/uploads/sign', await c.newUser()).send({ method: 'PUT', key: `${randomUUID()}-a.png`, contentType: 'image/png' }),
    },
    {
      name: 'CreateMultipartUpload with the type and size added',
      status: 200,
      send: async (c) =>
        auth(c, 'post', '/uploads/sign', await c.newUser()).send({
          method: 'POST',
          key: 'b.pdf',
          contentType: 'application/pdf',
          size: 10,
        }),
    },
    {
      name: 'UploadPart of the caller’s own multipart upload',
      status: 200,
      send: async (c) => {
        const user = await c.newUser();
        const { body } = await auth(c, 'post', '/uploads/sign', user)
          .send({ method: 'POST', key: 'c.png', contentType: 'image/png' })
          .expect(200);
        return auth(c, 'post', '/uploads/sign', user).send({
          method: 'PUT',
          key: (body as { key: string }).key,
          uploadId: 'u1',
          partNumber: 1,
        });
      },
    },
    {
      name: 'a part number out of range',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => auth(c, 'post', '/uploads/sign').send({ method: 'PUT', key: 'k', uploadId: 'u1', partNumber: 10_001 }),
    },
    {
      name: 'a GetObject',
      status: 403,
      code: 'OPERATION_NOT_SIGNED',
      send: (c) => auth(c, 'post', '/uploads/sign').send({ method: 'GET', key: 'k' }),
    },
    {
      name: 'ListParts for a key not issued to the caller',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: (c) => auth(c, 'post', '/uploads/sign').send({ method: 'GET', key: 'no-such-key.png', uploadId: 'u1' }),
    },
    {
      name: 'CompleteMultipartUpload after the upload expired',
      status: 410,
      code: 'UPLOAD_EXPIRED',
      send: async (c) => {
        const user = await c.newUser();
        const { body } = await auth(c, 'post', '/uploads/sign', user)
          .send({ method: 'POST', key: 'd.png', contentType: 'image/png' })
          .expect(200);
        const { key } = body as { key: string };
        await c.expire(key);
        return auth(c, 'post', '/uploads/sign', user).send({ method: 'POST', key, uploadId: 'u1' });
      },
    },
    {
      name: 'a size above UPLOAD_MAX_SIZE',
      status: 413,
      code: 'FILE_TOO_LARGE',
      send: (c) => auth(c, 'post', '/uploads/sign').send({ method: 'PUT', key: 'a.png', contentType: 'image/png', size: 2 * MiB }),
    },
    {
      name: 'a type outside UPLOAD_ALLOWED_TYPES',
      status: 415,
      code: 'CONTENT_TYPE_NOT_ALLOWED',
      send: (c) => auth(c, 'post', '/uploads/sign').send({ method: 'POST', key: 'a.exe', contentType: 'application/x-msdownload' }),
    },
    {
      name: 'one more pending upload than UPLOAD_MAX_PENDING_PER_USER',
      status: 429,
      code: 'TOO_MANY_PENDING_UPLOADS',
      send: async (c) => {
        const user = await c.newUser();
        for (let i = 0; i < 3; i += 1) await c.presign(user);
        return auth(c, 'post', '/uploads/sign', user).send({ method: 'POST', key: 'e.png', contentType: 'image/png' });
      },
    },
  ],
  cancelUpload: [
    {
      name: 'a pending upload of the caller',
      status: 204,
      send: async (c) => {
        const user = await c.newUser();
        return auth(c, 'delete', `/uploads/${(await c.presign(user)).objectKey}`, user);
      },
    },
    {
      name: 'a pending multipart upload of the caller',
      status: 204,
      send: async (c) => {
        const user = await c.newUser();
        return auth(c, 'delete', `/uploads/${(await c.startMultipart(user)).objectKey}`, user);
      },
    },
    {
      name: 'an upload cancelled before',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: async (c) => {
        const user = await c.newUser();
        const { objectKey } = await c.startMultipart(user);
        await auth(c, 'delete', `/uploads/${objectKey}`, user).expect(204);
        return auth(c, 'delete', `/uploads/${objectKey}`, user);
      },
    },
    {
      name: 'a confirmed upload',
      status: 409,
      code: 'UPLOAD_CONFIRMED',
      send: async (c) => auth(c, 'delete', `/uploads/${(await c.uploadFile(c.user)).objectKey}`),
    },
  ],
  startMultipartUpload: [
    {
      name: 'a file within the limits',
      status: 201,
      send: async (c) =>
        auth(c, 'post', '/files/multipart', await c.newUser()).send({ fileName: 'v.png', contentType: 'image/png', size: 1000 }),
    },
    {
      name: 'no size',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => auth(c, 'post', '/files/multipart').send({ fileName: 'v.png', contentType: 'image/png' }),
    },
    {
      name: 'a size above UPLOAD_MAX_SIZE',
      status: 413,
      code: 'FILE_TOO_LARGE',
      send: (c) => auth(c, 'post', '/files/multipart').send({ fileName: 'v.png', contentType: 'image/png', size: 2 * MiB }),
    },
    {
      name: 'a type outside UPLOAD_ALLOWED_TYPES',
      status: 415,
      code: 'CONTENT_TYPE_NOT_ALLOWED',
      send: (c) => auth(c, 'post', '/files/multipart').send({ fileName: 'v.mp4', contentType: 'video/mp4', size: 1000 }),
    },
    {
      name: 'one more pending upload than UPLOAD_MAX_PENDING_PER_USER',
      status: 429,
      code: 'TOO_MANY_PENDING_UPLOADS',
      send: async (c) => {
        const user = await c.newUser();
        for (let i = 0; i < 3; i += 1) await c.startMultipart(user);
        return auth(c, 'post', '/files/multipart', user).send({ fileName: 'v.png', contentType: 'image/png', size: 1000 });
      },
    },
  ],
  signMultipartParts: [
    {
      name: 'a part of a pending upload',
      status: 200,
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId } = await c.startMultipart(user);
        return auth(c, 'post', `/files/multipart/${uploadId}/part-urls`, user).send({ partNumbers: [1] });
      },
    },
    {
      name: 'a part number above partCount',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId } = await c.startMultipart(user);
        return auth(c, 'post', `/files/multipart/${uploadId}/part-urls`, user).send({ partNumbers: [2] });
      },
    },
    {
      name: 'an unknown upload',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: (c) => auth(c, 'post', '/files/multipart/no-such-upload/part-urls').send({ partNumbers: [1] }),
    },
    {
      name: 'an expired upload',
      status: 410,
      code: 'UPLOAD_EXPIRED',
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId, objectKey } = await c.startMultipart(user);
        await c.expire(objectKey);
        return auth(c, 'post', `/files/multipart/${uploadId}/part-urls`, user).send({ partNumbers: [1] });
      },
    },
    {
      name: 'an upload completed before',
      status: 422,
      code: 'UPLOAD_REJECTED',
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, pngBytes(1000));
        await auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts }).expect(201);
        return auth(c, 'post', `/files/multipart/${started.uploadId}/part-urls`, user).send({ partNumbers: [1] });
      },
    },
  ],
  getMultipartUpload: [
    {
      name: 'a pending upload with a part stored',
      status: 200,
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        await c.putPart(started.parts[0]!.url, pngBytes(1000));
        const response = await auth(c, 'get', `/files/multipart/${started.uploadId}`, user);
        expect(response.body).toMatchObject({ status: 'pending', parts: [{ partNumber: 1, size: 1000 }] });
        return response;
      },
    },
    {
      name: 'a completed upload',
      status: 200,
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, pngBytes(1000));
        await auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts }).expect(201);
        const response = await auth(c, 'get', `/files/multipart/${started.uploadId}`, user);
        expect(response.body).toMatchObject({ status: 'uploaded', expiresAt: null, parts: [] });
        return response;
      },
    },
    { name: 'an unknown upload', status: 404, code: 'UPLOAD_NOT_FOUND', send: (c) => auth(c, 'get', '/files/multipart/no-such-upload') },
  ],
  abortMultipartUpload: [
    {
      name: 'a pending upload',
      status: 204,
      send: async (c) => {
        const user = await c.newUser();
        return auth(c, 'delete', `/files/multipart/${(await c.startMultipart(user)).uploadId}`, user);
      },
    },
    {
      name: 'an upload aborted before',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId } = await c.startMultipart(user);
        await auth(c, 'delete', `/files/multipart/${uploadId}`, user).expect(204);
        return auth(c, 'delete', `/files/multipart/${uploadId}`, user);
      },
    },
  ],
  completeMultipartUpload: [
    {
      name: 'every part uploaded',
      status: 201,
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, pngBytes(1000));
        return auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts });
      },
    },
    {
      name: 'an upload completed before (idempotent)',
      status: 201,
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, pngBytes(1000));
        await auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts }).expect(201);
        return auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts });
      },
    },
    {
      name: 'a part list that skips a part',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId } = await c.startMultipart(user);
        return auth(c, 'post', `/files/multipart/${uploadId}/complete`, user).send({ parts: [{ partNumber: 2, etag: '"x"' }] });
      },
    },
    {
      name: 'an unknown upload',
      status: 404,
      code: 'UPLOAD_NOT_FOUND',
      send: (c) => auth(c, 'post', '/files/multipart/no-such-upload/complete').send({ parts: [{ partNumber: 1, etag: '"x"' }] }),
    },
    {
      name: 'a part never uploaded',
      status: 409,
      code: 'INVALID_PARTS',
      send: async (c) => {
        const user = await c.newUser();
        const { uploadId } = await c.startMultipart(user);
        const response = await auth(c, 'post', `/files/multipart/${uploadId}/complete`, user).send({
          parts: [{ partNumber: 1, etag: '"x"' }],
        });
        expect(response.body.details).toEqual({ missing: [1], mismatched: [] });
        return response;
      },
    },
    {
      name: 'a part with the wrong ETag',
      status: 409,
      code: 'INVALID_PARTS',
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        await c.putPart(started.parts[0]!.url, pngBytes(1000));
        const response = await auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({
          parts: [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }],
        });
        expect(response.body.details).toEqual({ missing: [], mismatched: [1] });
        return response;
      },
    },
    {
      name: 'an expired upload',
      status: 410,
      code: 'UPLOAD_EXPIRED',
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, pngBytes(1000));
        await c.expire(started.objectKey);
        return auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts });
      },
    },
    {
      name: 'a "PNG" that is not one',
      status: 422,
      code: 'FILE_SIGNATURE_MISMATCH',
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, Buffer.alloc(1000, 'x'));
        return auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts });
      },
    },
    {
      name: 'an upload rejected before',
      status: 422,
      code: 'UPLOAD_REJECTED',
      send: async (c) => {
        const user = await c.newUser();
        const started = await c.startMultipart(user);
        const parts = await c.putPart(started.parts[0]!.url, Buffer.alloc(1000, 'x'));
        await auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts }).expect(422);
        return auth(c, 'post', `/files/multipart/${started.uploadId}/complete`, user).send({ parts });
      },
    },
  ],
  checkLiveness: [{ name: 'always', status: 200, send: (c) => c.call('get', '/health') }],
  checkReadiness: [{ name: 'database and bucket up', status: 200, send: (c) => c.call('get', '/health/ready') }],
};

/**
 * Documented 4xx codes no request can produce while the database and the store behave, with the
 * reason. (5xx answers need a broken dependency or a bug: the fault tests cover those.)
 */
const UNREACHABLE: Record<string, Record<string, string>> = {
  completeMultipartUpload: {
    OBJECT_NOT_UPLOADED: 'the store would have to lose an upload it just assembled',
    FILE_TOO_LARGE: 'the parts are checked against the declared size, which is within the limit',
    SIZE_MISMATCH: 'the parts are checked against the declared size before assembly (INVALID_PARTS)',
    CONTENT_TYPE_MISMATCH: 'the store assembles the object with the type the upload was created with',
  },
};

function fileExample() {
  return {
    id: 1,
    objectKey: 'k',
    fileUrl: null,
    fileName: 'a.png',
    contentType: 'image/png',
    size: 1,
    etag: null,
    uploadTimestamp: '2026-01-15T09:30:00.000Z',
  };
}

/** AUTH_RATE_LIMIT attempts from one IP, then the one that is refused. */
async function burst(c: Context, path: string): Promise<Response> {
  const ip = c.nextIp();
  for (let i = 0; i < Number(ENV.AUTH_RATE_LIMIT); i += 1) await c.call('post', path, ip).send({}).expect(400);
  return c.call('post', path, ip).send({});
}

/** The cases every operation of a kind gets, made from the document: a new route has them too. */
function casesFromTheDocument(operation: OpenApiDocument['paths'][string][string], template: string): Case[] {
  const cases: Case[] = [];
  const guarded = !(operation.security?.length === 0);
  const withToken = (c: Context, method: Method, path: string) => (guarded ? auth(c, method, path) : c.call(method, path));
  if (guarded) {
    const expired = () =>
      jwt.sign(
        { sub: 'someone', iss: 'r2-files', aud: 'r2-files', exp: Math.floor(Date.now() / 1000) - 60 },
        process.env.JWT_SECRET as string,
        {
          algorithm: 'HS256',
        },
      );
    cases.push(
      { name: 'no token', status: 401, code: 'AUTH_REQUIRED', send: (c) => c.call(c.method, c.path) },
      {
        name: 'a malformed token',
        status: 401,
        code: 'TOKEN_INVALID',
        send: (c) => c.call(c.method, c.path).set('Authorization', 'Bearer not.a.jwt'),
      },
      {
        name: 'an expired token',
        status: 401,
        code: 'TOKEN_EXPIRED',
        send: (c) => c.call(c.method, c.path).set('Authorization', `Bearer ${expired()}`),
      },
    );
  }
  if (operation.requestBody) {
    cases.push(
      {
        name: 'a body that is not JSON',
        status: 400,
        code: 'INVALID_JSON',
        send: (c) => withToken(c, c.method, c.path).set('Content-Type', 'application/json').send('{"fileName": '),
      },
      {
        name: 'a JSON body over 16 KB',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        send: (c) => withToken(c, c.method, c.path).send({ padding: 'x'.repeat(17 * 1024) }),
      },
      {
        name: 'a JSON body in another charset',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        send: (c) => withToken(c, c.method, c.path).set('Content-Type', 'application/json; charset=koi8-r').send('{}'),
      },
      {
        name: 'an unknown field',
        status: 400,
        code: 'VALIDATION_FAILED',
        send: (c) => withToken(c, c.method, c.path).send({ unexpected: true }),
      },
    );
  }
  if ((operation.parameters ?? []).some((parameter) => parameter.in === 'path')) {
    const withParams = (value: string) => template.replace(/\{\w+\}/g, value);
    cases.push(
      {
        name: 'a NUL in a path parameter',
        status: 400,
        code: 'VALIDATION_FAILED',
        send: (c) => withToken(c, c.method, withParams('a%00b')),
      },
      {
        name: 'a path parameter that is not UTF-8',
        status: 400,
        code: 'BAD_REQUEST',
        send: (c) => withToken(c, c.method, withParams('%FF')),
      },
    );
  }
  if ((operation.parameters ?? []).some((parameter) => parameter.in === 'query')) {
    cases.push({
      name: 'an unknown query parameter',
      status: 400,
      code: 'VALIDATION_FAILED',
      send: (c) => withToken(c, c.method, `${c.path}?unexpected=1`),
    });
  }
  return cases;
}

interface Planned {
  operationId: string;
  method: Method;
  /** The path with its parameters filled in (values that reach the route; the cases above use real ones). */
  path: string;
  case: Case;
}

const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    operation,
    template,
    method: method as Method,
    path: template.replace('{id}', '1').replace('{uploadId}', 'no-such-upload'),
  })),
);
const planned: Planned[] = operations.flatMap(({ operation, template, method, path }) =>
  [...(CASES[operation.operationId] ?? []), ...casesFromTheDocument(operation, template)].map((c) => ({
    operationId: operation.operationId,
    method,
    path,
    case: c,
  })),
);

describe('every answer of every operation matches openapi.json', () => {
  const t = useTestApp(ENV);
  let spec: SpecValidator;
  let context: Context;
  const bucket = createBucketInspector();
  const seen: { operationId: string; status: number; code?: string }[] = [];

  beforeAll(async () => {
    spec = await createSpecValidator(document);
    let ips = 0;
    const nextIp = () => {
      ips += 1;
      return `10.${(ips >> 16) & 255}.${(ips >> 8) & 255}.${ips & 255}`;
    };
    const call = (method: Method, path: string, ip = nextIp()) => t.http[method](path).set('X-Forwarded-For', ip);
    const newUser = async (): Promise<User> => {
      const email = `answers-${nextIp()}@example.com`;
      const password = 'a perfectly fine password';
      const registered = await call('post', '/auth/register').send({ email, password }).expect(201);
      return { email, password, auth: { Authorization: `Bearer ${registered.body.accessToken as string}` } };
    };
    const presign: Context['presign'] = async (user, body = { fileName: 'a.png', contentType: 'image/png' }) =>
      (await call('post', '/presign-upload').set(user.auth).send(body).expect(201)).body;
    const put: Context['put'] = async (url, bytes, headers) => {
      const response = await fetch(url, { method: 'PUT', body: bytes, headers });
      if (response.status !== 200) throw new Error(`PUT failed: ${response.status} ${await response.text()}`);
    };
    context = {
      t,
      call,
      nextIp,
      newUser,
      presign,
      put,
      bucket,
      user: await newUser(),
      async uploadFile(user) {
        const presigned = await presign(user);
        await put(presigned.presignedUrl, pngBytes(100), presigned.uploadHeaders);
        return (await call('post', '/save-metadata').set(user.auth).send({ objectKey: presigned.objectKey }).expect(201)).body.file;
      },
      async startMultipart(user, body = { fileName: 'v.png', contentType: 'image/png', size: 1000 }) {
        return (await call('post', '/files/multipart').set(user.auth).send(body).expect(201)).body;
      },
      async putPart(url, bytes) {
        const response = await fetch(url, { method: 'PUT', body: bytes });
        if (response.status !== 200) throw new Error(`part PUT failed: ${response.status} ${await response.text()}`);
        return [{ partNumber: 1, etag: response.headers.get('etag') as string }];
      },
      expire: (objectKey) => expireUploads(t, objectKey, 86_400),
      method: 'get',
      path: '/',
    };
    // Two images, so that listing one per page has a next page.
    await context.uploadFile(context.user);
    await context.uploadFile(context.user);
  });
  afterAll(() => {
    bucket.destroy();
  });

  it('refuses answers that break the document (the validation is not vacuous)', () => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      ({
        status,
        body,
        text: body === undefined ? '' : JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-request-id': 'r1', ...headers },
      }) as unknown as Response;
    const me = { id: 'u1', email: null };
    expect(spec.problems('getMe', answer(200, me))).toEqual([]);
    expect(spec.problems('getMe', answer(418, me))).toEqual(['status 418 is not documented for getMe']);
    expect(spec.problems('getMe', answer(200, { id: 1, email: null })).join()).toContain('body/id must be string');
    expect(spec.problems('getMe', answer(200, me, { 'x-request-id': '' })).join()).toContain('x-request-id');
    const limited = { success: false, error: 'e', code: 'RATE_LIMITED', statusCode: 429, requestId: 'r1' };
    expect(spec.problems('login', answer(429, limited, { 'retry-after': '7' }))).toEqual([]);
    expect(spec.problems('login', answer(429, limited)).join()).toContain('retry-after');
    expect(spec.problems('login', answer(429, limited, { 'retry-after': 'soon' })).join()).toContain('retry-after');
    // details of another code's shape, a code this route does not answer, an extra field:
    const invalid = { success: false, error: 'e', code: 'INVALID_PARTS', statusCode: 409, requestId: 'r1' };
    expect(spec.problems('completeMultipartUpload', answer(409, { ...invalid, details: { missing: [1], mismatched: [] } }))).toEqual([]);
    expect(spec.problems('completeMultipartUpload', answer(409, { ...invalid, details: [{ field: 'parts', problems: [] }] }))).not.toEqual(
      [],
    );
    expect(spec.problems('completeMultipartUpload', answer(409, { ...invalid, code: 'EMAIL_TAKEN' }))).not.toEqual([]);
    expect(spec.problems('completeMultipartUpload', answer(409, { ...invalid, extra: 1 }))).not.toEqual([]);
    expect(spec.problems('getFile', answer(200, { ...fileExample(), uploadTimestamp: 'yesterday' })).join()).toContain('date-time');
    expect(spec.problems('deleteFile', answer(204, { success: true }))).not.toEqual([]);
  });

  it('has cases for every operation in the document, a successful one included', () => {
    const withSuccess = new Set(Object.entries(CASES).flatMap(([id, cases]) => (cases.some((c) => c.status < 300) ? [id] : [])));
    expect(spec.operationIds.filter((id) => !withSuccess.has(id))).toEqual([]);
    // And no cases for operations the document does not have (renamed or removed).
    expect(Object.keys(CASES).filter((id) => !spec.operationIds.includes(id))).toEqual([]);
  });

  it.each(planned.map((p) => [`${p.operationId}: ${p.case.name} → ${p.case.status}${p.case.code ? ` ${p.case.code}` : ''}`, p] as const))(
    '%s',
    async (_name, { operationId, method, path, case: c }) => {
      const response = await c.send({ ...context, method, path });
      seen.push({ operationId, status: response.status, code: response.body?.code });
      expect({ status: response.status, code: response.body?.code }).toEqual({ status: c.status, code: c.code });
      expect(spec.problems(operationId, response)).toEqual([]);
      if (response.status >= 400) expect(response.body.requestId).toBe(response.headers['x-request-id']);
    },
  );

  it('produced every documented client error of every operation (or UNREACHABLE says why not)', () => {
    expect(seen).toHaveLength(planned.length); // run the whole file: this checks what the cases above produced
    const produced = new Set(seen.map((s) => `${s.operationId} ${s.code}`));
    const missing = spec.operationIds.flatMap((id) =>
      spec
        .documented(id)
        .filter(({ status, code }) => status >= 400 && status < 500 && code && !UNREACHABLE[id]?.[code])
        .map(({ code }) => `${id} ${code}`)
        .filter((key) => !produced.has(key)),
    );
    expect(missing).toEqual([]);
  });
});

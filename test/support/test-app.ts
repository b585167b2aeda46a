import { afterAll, beforeAll } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { ExpressHttpAdapter } from '../../src/common/http/express-http-adapter.js';
import { BucketAdmin } from '../../src/storage/bucket-admin.js';
import { ObjectStore } from '../../src/storage/object-store.js';
import { ApiClient } from './api-client.js';
import { type BucketInspector, createBucketInspector } from './bucket.js';

type Environment = Record<string, string | undefined>;

export interface TestApp {
  app: NestExpressApplication;
  /** The raw HTTP agent (untyped answers): for malformed requests the typed client cannot send. */
  http: ReturnType<typeof request>;
  /** The API's routes with typed answers. */
  api: ApiClient;
  /** The app's own object store (the port features use). */
  storage: ObjectStore;
  bucketAdmin: BucketAdmin;
  /** The bucket as the store holds it, read with the test's own S3 client. */
  bucket: BucketInspector;
  /** The app's database connection (superuser: sees every row, RLS does not apply). */
  db: DataSource;
  close(): Promise<void>;
}

/**
 * Boots the real application (same module graph and setup as `main.ts`) against the harness's
 * PostgreSQL and S3 emulator. `env` overrides variables for this app only (e.g. a public bucket).
 */
export async function createTestApp(env: Environment = {}): Promise<TestApp> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>(new ExpressHttpAdapter(), { bodyParser: false, logger: false });
    await configureApp(app);
    await app.init();
    const http = request(app.getHttpServer());
    const bucket = createBucketInspector();
    return {
      app,
      http,
      api: new ApiClient(http),
      storage: app.get(ObjectStore),
      bucketAdmin: app.get(BucketAdmin),
      bucket,
      db: app.get(DataSource),
      close: async () => {
        bucket.destroy();
        const closing = app.close();
        // A browser still open keeps sockets to the app: idle ones, which closing the server ends,
        // and speculative ones that never sent a request, which it waits for until
        // HTTP_HEADERS_TIMEOUT and the next connections check (up to 40 s; a spec's afterAll allows 30).
        app.getHttpServer().closeAllConnections();
        await closing;
      },
    };
  } finally {
    process.env = saved;
  }
}

/**
 * The app for a whole spec file (or `describe` block): boots it before the first test and closes it
 * after the last. Use the returned handle inside hooks and tests. `env` may be a function, for
 * variables known only once earlier hooks ran (the port of a server the spec starts).
 */
export function useTestApp(env: Environment | (() => Environment) = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestApp, {
    get: (_handle, property) => {
      if (!current) throw new Error('useTestApp: the app starts in beforeAll; use it inside hooks and tests');
      return Reflect.get(current, property) as unknown;
    },
  });
}

/** Runs `work` against another app booted with `env` (a broken store, other limits), then closes it. */
export async function withTestApp<T>(env: Environment, work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await createTestApp(env);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export interface RegisteredUser {
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
  id: string;
}

let userCounter = 0;

/** Registers a fresh user and returns its credentials, bearer header and id. */
export async function registerUser(testApp: TestApp): Promise<RegisteredUser> {
  userCounter += 1;
  const email = `user-${Date.now()}-${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'a perfectly fine password';
  const { body } = await testApp.api.register({ email, password }).expect(201);
  const me = await testApp.api.as({ token: body.accessToken }).me().expect(200);
  return { email, password, token: body.accessToken, auth: { Authorization: `Bearer ${body.accessToken}` }, id: me.body.id };
}

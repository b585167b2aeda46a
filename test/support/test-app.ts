import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { BucketAdmin } from '../../src/storage/bucket-admin.js';
import { ObjectStore } from '../../src/storage/object-store.js';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  /** The app's own object store (the port features use). */
  storage: ObjectStore;
  bucketAdmin: BucketAdmin;
  db: DataSource;
  close(): Promise<void>;
}

/**
 * Boots the real application (same module graph and setup as `main.ts`) against the harness's
 * PostgreSQL and S3 emulator. `env` overrides variables for this app only (e.g. a public bucket).
 */
export async function createTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    await configureApp(app);
    await app.init();
    return {
      app,
      http: request(app.getHttpServer()),
      storage: app.get(ObjectStore),
      bucketAdmin: app.get(BucketAdmin),
      db: app.get(DataSource),
      close: () => app.close(),
    };
  } finally {
    process.env = saved;
  }
}

let userCounter = 0;

/** Registers a fresh user and returns its bearer header and id. */
export async function registerUser(
  testApp: TestApp,
): Promise<{ email: string; password: string; token: string; auth: { Authorization: string }; id: string }> {
  userCounter += 1;
  const email = `user-${Date.now()}-${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'a perfectly fine password';
  const registered = await testApp.http.post('/auth/register').send({ email, password }).expect(201);
  const token = registered.body.accessToken as string;
  const me = await testApp.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  return { email, password, token, auth: { Authorization: `Bearer ${token}` }, id: me.body.id as string };
}

import { type BucketInspector, createBucketInspector } from '../bucket.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type PostgresService, startPostgresService } from './postgres-service.js';
import { startStoreService, type StoreService } from './store-service.js';

export interface FaultStack {
  postgres: PostgresService;
  store: StoreService;
  /** In front of the store; the app's S3_ENDPOINT (and so its presigned URLs) points here. */
  proxy: FaultProxy;
  /**
   * Variables that point an app at this stack, for `createTestApp(stack.env)` or
   * `startServerProcess(stack.env)`; add the app settings the test needs (timeouts…) on top.
   */
  env: Record<string, string>;
  /** Every key in the bucket, read from the store directly (not through the proxy). */
  bucketKeys(): Promise<string[]>;
  /** The bucket read from the store directly (not through the proxy): objects, open multipart uploads. */
  bucket: BucketInspector;
  /** Closes the proxy, stops both services (thawing them first) and deletes their files. */
  dispose(): Promise<void>;
}

/**
 * A PostgreSQL, an S3 emulator process and a fault proxy of the test's own, so it can break them
 * without touching the suite's shared services. Migrations are applied; the bucket exists.
 */
export async function startFaultStack(): Promise<FaultStack> {
  const [postgres, store] = await Promise.all([startPostgresService(), startStoreService()]);
  const proxy = await startFaultProxy(store.endpoint);
  const storeEnv = {
    R2_ACCESS_KEY_ID: store.credentials.accessKeyId,
    R2_SECRET_ACCESS_KEY: store.credentials.secretAccessKey,
    R2_BUCKET_NAME: store.bucket,
    S3_REGION: 'us-east-1',
  };
  const inspector = createBucketInspector({ ...storeEnv, S3_ENDPOINT: store.endpoint });
  return {
    postgres,
    store,
    proxy,
    env: {
      ...storeEnv,
      DATABASE_URL: postgres.url,
      S3_ENDPOINT: proxy.url,
      S3_PRESIGN_ENDPOINT: proxy.url,
      // Nothing in the background: tests run the sweeper themselves when they choose.
      SWEEPER_INTERVAL: '0',
    },
    bucketKeys: () => inspector.keys(),
    bucket: inspector,
    async dispose() {
      inspector.destroy();
      await proxy.close();
      await Promise.all([postgres.dispose(), store.dispose()]);
    },
  };
}

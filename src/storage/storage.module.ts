import { type S3Client } from '@aws-sdk/client-s3';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';

import { type StorageConfig, storageConfig } from '../config/configuration.js';
import { BucketAdmin } from './bucket-admin.js';
import { ObjectStore } from './object-store.js';
import { PresignedHead } from './presigned-head.js';
import { R2Service } from './r2.service.js';
import { createS3Client } from './s3-client.factory.js';
import { PRESIGNED_HEAD, S3_CLIENT, STORE_URL_SIGNER, URL_SIGNER } from './storage.tokens.js';
import { UrlSigner } from './url-signer.js';

/**
 * The object store adapter. Not global: a feature that needs the store imports this module and
 * injects the `ObjectStore` port (objects, presigned URLs) or `BucketAdmin` (readiness, CORS); the
 * SDK client and the signer stay private to it.
 */
@Module({
  providers: [
    { provide: S3_CLIENT, inject: [storageConfig.KEY], useFactory: (config: StorageConfig) => createS3Client(config) },
    {
      provide: URL_SIGNER,
      inject: [storageConfig.KEY],
      useFactory: (config: StorageConfig) => new UrlSigner({ ...config, endpoint: config.presignEndpoint }),
    },
    {
      provide: STORE_URL_SIGNER,
      inject: [storageConfig.KEY],
      useFactory: (config: StorageConfig) => new UrlSigner(config),
    },
    {
      provide: PRESIGNED_HEAD,
      inject: [storageConfig.KEY],
      useFactory: (config: StorageConfig) => new PresignedHead(config.endpoint, config),
    },
    R2Service,
    { provide: ObjectStore, useExisting: R2Service },
    BucketAdmin,
  ],
  exports: [ObjectStore, BucketAdmin],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    @Inject(S3_CLIENT) private readonly client: S3Client,
    @Inject(PRESIGNED_HEAD) private readonly heads: PresignedHead,
  ) {}

  /** Closes the keep-alive sockets so shutdown does not wait on them. */
  onApplicationShutdown(): void {
    this.client.destroy();
    this.heads.destroy();
  }
}

import { Module } from '@nestjs/common';

import { type StorageConfig, storageConfig } from '../config/configuration.js';
import { ObjectStore } from './object-store.js';
import { R2Service, S3_CLIENT, URL_SIGNER } from './r2.service.js';
import { createS3Client } from './s3-client.factory.js';
import { UrlSigner } from './url-signer.js';

/**
 * The object store adapter. Not global: a feature that needs the store imports this module and
 * injects the `ObjectStore` port; the SDK client and the signer stay private to it.
 */
@Module({
  providers: [
    { provide: S3_CLIENT, inject: [storageConfig.KEY], useFactory: (config: StorageConfig) => createS3Client(config) },
    {
      provide: URL_SIGNER,
      inject: [storageConfig.KEY],
      useFactory: (config: StorageConfig) => new UrlSigner({ ...config, endpoint: config.presignEndpoint }),
    },
    R2Service,
    { provide: ObjectStore, useExisting: R2Service },
  ],
  exports: [ObjectStore, R2Service],
})
export class StorageModule {}

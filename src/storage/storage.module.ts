import type { S3Client } from '@aws-sdk/client-s3';
import { Global, Module } from '@nestjs/common';
import { storageConfig, type StorageConfig } from '../config/configuration.js';
import { PRESIGN_S3_CLIENT, R2Service, S3_CLIENT } from './r2.service.js';
import { createS3Client } from './s3-client.factory.js';

@Global()
@Module({
  providers: [
    { provide: S3_CLIENT, inject: [storageConfig.KEY], useFactory: (config: StorageConfig) => createS3Client(config) },
    {
      provide: PRESIGN_S3_CLIENT,
      inject: [storageConfig.KEY, S3_CLIENT],
      useFactory: (config: StorageConfig, client: S3Client) =>
        config.presignEndpoint === config.endpoint ? client : createS3Client(config, config.presignEndpoint),
    },
    R2Service,
  ],
  exports: [R2Service],
})
export class StorageModule {}

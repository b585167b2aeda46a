import { GetBucketCorsCommand, HeadBucketCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Inject, Injectable } from '@nestjs/common';

import { type StorageConfig, storageConfig } from '../config/configuration.js';
import type { BucketCorsRule } from './bucket-cors.js';
import { S3_CLIENT } from './storage.tokens.js';

/**
 * Administration of the configured bucket, apart from the object operations features use: the
 * readiness probe (health) and its CORS rules (`npm run storage:cors`). Errors are the store's own,
 * unmapped: their callers report them (a readiness check names the failure, the command prints it).
 */
@Injectable()
export class BucketAdmin {
  constructor(
    @Inject(S3_CLIENT) private readonly client: S3Client,
    @Inject(storageConfig.KEY) private readonly config: StorageConfig,
  ) {}

  get bucket(): string {
    return this.config.bucket;
  }

  /** Throws unless the bucket exists and these credentials can reach it (readiness). */
  async assertBucketReachable(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
  }

  /** Replaces the bucket's CORS configuration. */
  async putBucketCors(rules: BucketCorsRule[]): Promise<void> {
    await this.client.send(
      new PutBucketCorsCommand({
        Bucket: this.config.bucket,
        CORSConfiguration: {
          CORSRules: rules.map((rule) => ({
            AllowedOrigins: rule.allowedOrigins,
            AllowedMethods: rule.allowedMethods,
            AllowedHeaders: rule.allowedHeaders,
            ExposeHeaders: rule.exposeHeaders,
            MaxAgeSeconds: rule.maxAgeSeconds,
          })),
        },
      }),
    );
  }

  /** The bucket's CORS configuration as the store reports it (empty when none is set). */
  async getBucketCors(): Promise<BucketCorsRule[]> {
    try {
      const { CORSRules = [] } = await this.client.send(new GetBucketCorsCommand({ Bucket: this.config.bucket }));
      return CORSRules.map((rule) => ({
        allowedOrigins: rule.AllowedOrigins ?? [],
        allowedMethods: rule.AllowedMethods ?? [],
        allowedHeaders: rule.AllowedHeaders ?? [],
        exposeHeaders: rule.ExposeHeaders ?? [],
        maxAgeSeconds: rule.MaxAgeSeconds ?? 0,
      }));
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchCORSConfiguration') return [];
      throw error;
    }
  }
}

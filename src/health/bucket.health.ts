import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

import { BucketAdmin } from '../storage/bucket-admin.js';

/** The bucket exists and the configured credentials reach it (HeadBucket). */
@Injectable()
export class BucketHealthIndicator {
  constructor(
    private readonly bucketAdmin: BucketAdmin,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isReachable(key: string, timeoutMs: number): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.bucketAdmin.assertBucketReachable(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return indicator.up({ bucket: this.bucketAdmin.bucket });
    } catch (error) {
      const name = (error as { name?: string }).name;
      return indicator.down({ bucket: this.bucketAdmin.bucket, message: name && name !== 'Error' ? name : (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}

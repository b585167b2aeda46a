import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { DatabaseModule } from '../database/database.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { BucketHealthIndicator } from './bucket.health.js';
import { HealthController } from './health.controller.js';

@Module({
  // The database check pings the connection DatabaseModule opens; the bucket check uses StorageModule.
  imports: [DatabaseModule, StorageModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [BucketHealthIndicator],
})
export class HealthModule {}

import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { BucketHealthIndicator } from './bucket.health.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [BucketHealthIndicator],
})
export class HealthModule {}

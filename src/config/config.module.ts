import { Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';

import { appConfig, authConfig, databaseConfig, storageConfig, sweeperConfig, uploadsConfig } from './configuration.js';

/**
 * Loads `.env` (if present) and exposes the typed namespaces. The environment is validated once, by
 * the first namespace built (see `currentEnvironment`), and boot fails there listing every problem.
 */
@Module({
  imports: [
    NestConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      load: [appConfig, databaseConfig, storageConfig, authConfig, uploadsConfig, sweeperConfig],
    }),
  ],
})
export class ConfigModule {}

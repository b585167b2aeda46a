import { Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';

import { appConfig, authConfig, databaseConfig, storageConfig, sweeperConfig, uploadsConfig } from './configuration.js';
import { validateEnvironment } from './environment.js';

/** Loads `.env` (if present), validates the whole environment at boot and exposes typed namespaces. */
@Module({
  imports: [
    NestConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      validate: validateEnvironment,
      load: [appConfig, databaseConfig, storageConfig, authConfig, uploadsConfig, sweeperConfig],
    }),
  ],
})
export class ConfigModule {}

import { Module } from '@nestjs/common';

import { AuthModule } from './auth/auth.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { FilesModule } from './files/files.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { StorageModule } from './storage/storage.module.js';

@Module({
  imports: [ConfigModule, LoggingModule, DatabaseModule, StorageModule, AuthModule, FilesModule, HealthModule],
})
export class AppModule {}

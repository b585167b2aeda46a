import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';

import { AuthModule } from './auth/auth.module.js';
import { JsonBodyMiddleware } from './common/http/json-body.js';
import { ConfigModule } from './config/config.module.js';
import { FilesModule } from './files/files.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';

/**
 * The features, plus configuration and logging (the two modules every part of the app uses, made
 * global by their libraries). Each feature imports the infrastructure it needs (DatabaseModule,
 * StorageModule) itself.
 */
@Module({
  imports: [ConfigModule, LoggingModule, AuthModule, FilesModule, HealthModule],
})
export class AppModule implements NestModule {
  /** Root-module middleware runs after the imported modules' (the request logger's among them). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';

import { type AuthConfig, authConfig } from '../config/configuration.js';
import { DatabaseModule } from '../database/database.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthRateLimitMiddleware } from './auth-rate-limit.middleware.js';
import { ExternalKeys } from './external-keys.js';
import { JWT_ALGORITHM, JwtStrategy } from './jwt.strategy.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './users/user.entity.js';
import { UsersRepository } from './users/users.repository.js';
import { VerifiedTokens } from './verified-tokens.js';

@Module({
  imports: [
    DatabaseModule,
    TypeOrmModule.forFeature([User]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        secret: config.jwtSecret,
        signOptions: {
          algorithm: JWT_ALGORITHM,
          expiresIn: config.expiresInSeconds,
          issuer: config.issuer,
          audience: config.audience,
        },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    UsersRepository,
    PasswordHasher,
    ExternalKeys,
    JwtStrategy,
    VerifiedTokens,
    // Deny by default: every route of every module needs a token unless marked @Public().
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(AuthRateLimitMiddleware)
      .forRoutes({ path: 'auth/login', method: RequestMethod.POST }, { path: 'auth/register', method: RequestMethod.POST });
  }
}

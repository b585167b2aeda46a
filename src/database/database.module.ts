import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { type DatabaseConfig, databaseConfig } from '../config/configuration.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { ScopedTransactions } from './scoped-transactions.js';

/**
 * The database connection (TypeORM, one pool per process) and `ScopedTransactions`. Not global:
 * features that query import it; their entities register with `TypeOrmModule.forFeature`.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => ({ ...buildDataSourceOptions(config), autoLoadEntities: true }),
    }),
  ],
  providers: [ScopedTransactions],
  exports: [ScopedTransactions],
})
export class DatabaseModule {}

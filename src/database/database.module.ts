import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/configuration.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { ScopedTransactions } from './scoped-transactions.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => buildDataSourceOptions(config),
    }),
  ],
  providers: [ScopedTransactions],
  exports: [ScopedTransactions],
})
export class DatabaseModule {}

import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { type DatabaseConfig, databaseConfig } from '../config/configuration.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { ScopedTransactions } from './scoped-transactions.js';

@Global()
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

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Roles created by the RowLevelSecurity migration. */
export const APP_ROLE = 'r2files_app';
export const SWEEPER_ROLE = 'r2files_sweeper';

/**
 * Runs database work under Row Level Security. Each unit of work is one transaction that first
 * switches to a non-superuser role and, for requests, sets the caller's id; both settings are
 * transaction-local (`set_config(..., true)`), so a pooled connection never carries them into
 * the next transaction.
 */
@Injectable()
export class ScopedTransactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Work that may only see and change the rows of `userId`. */
  asUser<T>(userId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('role', $1, true), set_config('app.user_id', $2, true)`, [APP_ROLE, userId]);
      return work(manager);
    });
  }

  /** Work of the cleanup sweeper, which can only see expired pending uploads. */
  asSweeper<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('role', $1, true)`, [SWEEPER_ROLE]);
      return work(manager);
    });
  }
}

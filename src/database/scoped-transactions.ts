import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

import { isSqlFragment, join, sql, type SqlFragment } from './sql-literal.js';

/** Roles created by the RowLevelSecurity migration. */
export const APP_ROLE = 'r2files_app';
export const SWEEPER_ROLE = 'r2files_sweeper';

/**
 * Database functions that set the request scope themselves (role and user, transaction-local)
 * from their arguments — the owner of each row they write: only these may be called through
 * `callSelfScoped`.
 */
export type SelfScopedFunction = 'r2_files_create_pending_batch';

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

  /**
   * The hot path: statements for one user sent as ONE simple-protocol message. PostgreSQL runs a
   * multi-statement message as one implicit transaction, so the role and user settings made by
   * the first statement (transaction-local) apply to the others and vanish at its end — the same
   * guarantees as `asUser` in one round trip instead of four. The simple protocol has no bind
   * parameters, so statements are fragments of the `sql` tag (values escaped into the text): a plain
   * string does not type-check, and is refused at run time too. Returns the rows of the last statement.
   */
  async queryAsUser<T>(userId: string, ...statements: SqlFragment[]): Promise<T[]> {
    if (!statements.every(isSqlFragment)) throw new TypeError('queryAsUser takes statements written with the sql tag only');
    const scope = sql`SELECT set_config('role', ${APP_ROLE}, true), set_config('app.user_id', ${userId}, true)`;
    const message = join([scope, ...statements], sql`;\n`);
    const results = (await this.pool().query(message.text)) as unknown as pg.QueryResult[];
    return (results.at(-1)?.rows ?? []) as T[];
  }

  /**
   * The busiest write: one call of a function that sets the scope itself (`SelfScopedFunction`),
   * as ONE statement with bind parameters, in a transaction of its own (docs/adr/0011). The same
   * guarantees as `queryAsUser` — one round trip, the role and user transaction-local — with no
   * second statement to parse and plan and no values escaped into SQL text. A named (prepared)
   * statement: each pooled connection parses it once, then only binds and runs it; PgBouncer 1.21+
   * in transaction mode, Neon's pooler included, keeps protocol-level prepared statements working
   * (ADR 0013). Returns its result.
   */
  async callSelfScoped<T>(name: SelfScopedFunction, ...args: (string | number | null)[]): Promise<T | null> {
    const placeholders = args.map((_, i) => `$${i + 1}`).join(', ');
    const { rows } = await this.pool().query<{ result: T | null }>({
      name: `${name}/${args.length}`,
      text: `SELECT ${name}(${placeholders}) AS result`,
      values: args,
    });
    return rows[0]?.result ?? null;
  }

  private pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  /** Work of the cleanup sweeper, which can only see expired pending uploads and unfinished deletes. */
  asSweeper<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('role', $1, true)`, [SWEEPER_ROLE]);
      return work(manager);
    });
  }
}

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { startEmbeddedPostgres } from '../../../scripts/local-stack/embedded-postgres.js';
import { runMigrations } from '../../harness/test-stack.js';
import type { FaultyService } from './faulty-service.js';
import { freezeTree, thawTree } from './process-tree.js';

/** The test's own PostgreSQL cluster. Fast `stop()`: sessions are terminated (57P01), new connections refused. */
export interface PostgresService extends FaultyService {
  /** Superuser URL of the test database (the app switches to its RLS roles itself). */
  url: string;
  /** PID of the postmaster (from postmaster.pid), or null when stopped. */
  postmasterPid(): number | null;
  /** One query as the superuser on a fresh connection (bypasses RLS): for checking state in tests. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * An embedded PostgreSQL of the test's own (never the suite's shared one), with the app's
 * migrations applied, that the test can stop, start and freeze.
 */
export async function startPostgresService(): Promise<PostgresService> {
  const dataDir = join(tmpdir(), `r2-files-faults-pg-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const cluster = await startEmbeddedPostgres({ dataDir, database: 'r2_files_faults', persistent: true, fast: true });
  let running = true;
  let frozen = false;
  const postmasterPid = () => {
    if (!running) return null;
    // First line of postmaster.pid is the postmaster's PID (written by PostgreSQL itself).
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  };
  const thaw = () => {
    const pid = postmasterPid();
    if (frozen && pid) thawTree(pid);
    frozen = false;
  };

  const service: PostgresService = {
    url: cluster.url,
    port: cluster.port,
    get frozen() {
      return frozen;
    },
    get running() {
      return running;
    },
    postmasterPid,
    async stop() {
      thaw();
      if (!running) return;
      await cluster.stop();
      running = false;
    },
    async start() {
      if (running) return;
      await cluster.start();
      running = true;
    },
    freeze() {
      const pid = postmasterPid();
      if (!pid) throw new Error('PostgreSQL is not running: nothing to freeze');
      freezeTree(pid);
      frozen = true;
    },
    thaw,
    async query<T>(text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async dispose() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  try {
    await runMigrations(cluster.url);
  } catch (error) {
    await service.dispose();
    throw error;
  }
  return service;
}

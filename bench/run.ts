/*
 * `npm run bench`: measures the API as production runs it, against the embedded stack.
 * - PostgreSQL with durable settings (fsync, synchronous_commit, full_page_writes on); the fast
 *   settings of the test stack only with BENCH_FAST_DB=1, and the table says so;
 * - the API built (dist/), in its own process, NODE_ENV=production with info request logs (JSON, to
 *   a file); `--instances 2` (or BENCH_INSTANCES=2) runs two API processes against one PostgreSQL,
 *   spreads the load over both and checks that nothing breaks (no 5xx, the pending cap exact, the
 *   sweepers never both removing one upload);
 * - load comes from autocannon in another process, or from this process for multi-step flows;
 * - each phase reports the CPU per request of the API and of PostgreSQL (all its processes), read
 *   from /proc: steadier than throughput on a small shared machine;
 * - the floors are measured in the same run: GET /health (the HTTP stack alone), a seed-style
 *   presign server (bench/seed-baseline-server.mjs), a bare single-row INSERT, HeadObject + INSERT,
 *   and presign without its own steps (validation, URL signing, the pending row: an API process
 *   with bench/ablations/presign-floor.mjs, what any authenticated JSON POST costs); the table
 *   ends with the ratios to them (docs: README "Benchmarks").
 * Prints the table and writes bench/results.json.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';

import { findFreePort } from '../scripts/local-stack/free-port.js';
import { EMULATOR_CREDENTIALS } from '../scripts/local-stack/s3-emulator.js';
import { Environment } from '../src/config/environment.js';
import { type CpuUsed, measureCpu, msPer, type Parties } from './cpu.js';
import { mintAccessTokens, nodeFlagsOfStartScript, startBenchStack, storeEnvironment, waitForReady } from './stack.js';

const run = promisify(execFile);
const BUCKET = 'r2-files-bench';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
/** The floor phases (health, baseline, presign, insert) run this many times, interleaved, so a drift of the machine's load hits all of them alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Seconds of each floor phase run before the measured rounds (BENCH_WARMUP=0 to skip). */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 5);
/** Offered load for the GET /files latency runs: busy, but below what this machine saturates at. */
const LIST_OFFERED_RATE = Number(process.env.BENCH_LIST_RATE ?? 500);
/** BENCH_ONLY=presign,list (phases: health, baseline, presign, insert, flow, list, parts, memory, instances) runs a subset, e.g. to profile one path. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const phase = (name: string) => !ONLY || ONLY.includes(name);
const INSTANCES = Number(argument('--instances') ?? process.env.BENCH_INSTANCES ?? 1);
const FAST_DB = process.env.BENCH_FAST_DB === '1';
/**
 * The API's pool size: its default DATABASE_POOL_MAX, as production runs it; the bare-INSERT floor
 * uses a pool of the same size. (A pool of 20 on this 2-core machine made PostgreSQL spend ~40 % more
 * CPU per presign on contention between its backends.)
 */
const POOL_MAX = new Environment().DATABASE_POOL_MAX;
/** Users whose tokens the presign loads take in turn (see where they are minted). */
const WRITERS = 5000;
/** UPLOAD_MAX_PENDING_PER_USER of the API under test (the default). */
const PENDING_CAP = 100;
const MiB = 1024 * 1024;
const PRESIGN_BODY = JSON.stringify({ fileName: 'photo.png', contentType: 'image/png', size: 65536 });

interface Row {
  measure: string;
  value: string;
  target?: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  durationSeconds: DURATION,
  rounds: ROUNDS,
  instances: INSTANCES,
  durablePostgres: !FAST_DB,
};
const record = (measure: string, value: string, target?: string) => {
  rows.push({ measure, value, target });
  console.log(`  ${measure}: ${value}${target ? `   (target ${target})` : ''}`);
};
/** Answers other than 2xx in the load phases that should have none (two-instance mode asserts 0). */
let unexpectedNon2xx = 0;
const failures: string[] = [];

const dir = join(tmpdir(), `r2-files-bench-${process.pid}`);
mkdirSync(dir, { recursive: true, mode: 0o755 });
console.log(
  `Starting embedded PostgreSQL (${FAST_DB ? 'FAST: fsync, synchronous_commit, full_page_writes off' : 'durable'}) and the S3 emulator...`,
);
const { postgres, s3 } = await startBenchStack({ dir, database: 'bench', bucket: BUCKET, fast: FAST_DB });

// Known to the bench so it can mint tokens for many users without registering each one.
const jwtSecret = randomBytes(48).toString('base64');
// BENCH_PROFILE=1 writes a V8 CPU profile of the API to bench/profiles/ (open in Chrome DevTools,
// or summarise with `node bench/profile-summary.mjs bench/profiles/<file>`).
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
/** The Node flags production runs the API with: those of `npm start` (the Dockerfile has the same, a test checks). */
const startFlags = nodeFlagsOfStartScript();
const storeEnv = storeEnvironment(s3, BUCKET);
const servers = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => startApi(i)));
const server = servers[0]!.process;
const apis = servers.map((instance) => instance.url);
const api = apis[0]!;
const baseline = await startBaselineServer();
/** Presign's floor: another API process with presign's own steps taken out (bench/ablations). */
const floorApi =
  phase('presign') && INSTANCES === 1 ? await startApi(INSTANCES, ['--import=./bench/ablations/presign-floor.mjs']) : undefined;

const parties: Parties = {
  api: servers.map((instance) => instance.process.pid!),
  postmaster: () => Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]),
  store: s3.process.pid!,
  baseline: baseline.process.pid!,
};

const db = new pg.Client({ connectionString: postgres.url });
const s3Client = new S3Client({
  endpoint: s3.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: EMULATOR_CREDENTIALS,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

try {
  await Promise.all([...apis, ...(floorApi ? [floorApi.url] : [])].map(waitForReady));
  await db.connect();
  const settings = await db.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name`,
  );
  const durability = settings.rows.map((row) => `${row.name}=${row.setting}`).join(', ');
  record('PostgreSQL', `${FAST_DB ? 'FAST (BENCH_FAST_DB=1, not production): ' : 'durable: '}${durability}`);
  record(
    'API',
    `${INSTANCES} instance${INSTANCES > 1 ? 's' : ''}, NODE_ENV=production, LOG_LEVEL=info, pool ${POOL_MAX}, node ${startFlags.join(' ')}`,
  );
  const rssIdle = rssMiB(server);
  const { token, userId } = await registerUser();
  const auth = bearer(token);
  // Write traffic from many users, as in production, none reaching the default pending-upload cap
  // (UPLOAD_MAX_PENDING_PER_USER, 100): 5,000 × 100 is 100 s of presign at 5,000/s over all
  // instances, against ~25 s in a default run. (1,000 users were too few for two instances on a
  // fast day: round 2 got 1,402 × 429.) Below VerifiedTokens' capacity (10,000), which a
  // round-robin over more tokens would turn into a verification per request.
  const writerTokens = await mintAccessTokens(jwtSecret, WRITERS);

  console.log('\nUnloaded latency (one request at a time)');
  const single = await sequentialLatency(`${api}/presign-upload`, writerTokens.map(bearer), PRESIGN_BODY);
  record('presign unloaded: p50 / p99 (ms)', `${single.p50.toFixed(1)} / ${single.p99.toFixed(1)}`);
  const health = await sequentialLatency(`${api}/health`, [{}], undefined);
  record('GET /health unloaded: p50 (ms)', health.p50.toFixed(1));

  // CPU per request falls as throughput rises (PostgreSQL flushes the WAL once for all commits
  // waiting; the API writes and reads more per wake-up), so each floor runs twice: flat out, and at
  // the rate presign itself reached in that round — the like-for-like comparison.
  const floors: Record<string, Phase[]> = {
    health: [],
    baseline: [],
    presign: [],
    insert: [],
    healthAtPresignRate: [],
    insertAtPresignRate: [],
    presignFloor: [],
    presignFloorHealth: [],
  };
  // The floor phases; the same loads warm up (unmeasured) and run the measured rounds.
  const floorLoads = {
    health: (seconds = DURATION, overallRate?: number) =>
      loadPhase(
        apis.map((url) => `${url}/health`),
        { tokens: [token], seconds, overallRate },
      ),
    baseline: (seconds = DURATION) =>
      loadPhase([`${baseline.url}/presign-upload`], { method: 'POST', tokens: [token], body: PRESIGN_BODY, seconds }),
    presign: (seconds = DURATION) =>
      loadPhase(
        apis.map((url) => `${url}/presign-upload`),
        { method: 'POST', tokens: writerTokens, body: PRESIGN_BODY, seconds },
      ),
    insert: (seconds = DURATION, ratePerSecond?: number) => bareInserts(CONNECTIONS, seconds, ratePerSecond),
    ...(floorApi && {
      presignFloor: (seconds = DURATION) =>
        loadPhase([`${floorApi.url}/presign-upload`], {
          method: 'POST',
          tokens: writerTokens,
          body: PRESIGN_BODY,
          seconds,
          api: floorApi.process,
        }),
      presignFloorHealth: (seconds = DURATION) =>
        loadPhase([`${floorApi.url}/health`], { tokens: [token], seconds, api: floorApi.process }),
    }),
  };
  // Not measured: the API's JIT, PostgreSQL's plans and caches on every pooled connection and the
  // table's first pages (full-page images after a checkpoint) would otherwise weigh on round 1 —
  // on presign most (one run: 1,099 req/s in round 1, 1,546 in round 2).
  if (WARMUP_SECONDS > 0) {
    console.log(`\nWarm-up: ${WARMUP_SECONDS} s of each floor phase, not measured`);
    for (const [name, load] of Object.entries(floorLoads))
      if (phase(name.replace(/^presignFloor.*/, 'presign'))) await load(WARMUP_SECONDS);
  }
  // What autovacuum does in production within a minute, done now so every run measures the same
  // thing: plans cached by the API's connections while r2_files was empty (a sequential scan for
  // the cap's count) are replaced, instead of costing more each round as the table grows.
  await db.query('VACUUM ANALYZE r2_files');
  for (let round = 1; round <= ROUNDS; round += 1) {
    if (phase('health')) {
      console.log(`\nGET /health (no database, no auth: the HTTP stack alone), round ${round}`);
      floors.health!.push(await floorLoads.health());
    }
    if (phase('baseline')) {
      console.log(`\nSeed-style presign server (getSignedUrl, no auth, no database), round ${round}`);
      floors.baseline!.push(await floorLoads.baseline());
    }
    if (phase('presign')) {
      console.log(`\nPOST /presign-upload (50 connections, ${WRITERS} users), round ${round}`);
      floors.presign!.push(await floorLoads.presign());
    }
    if (phase('insert')) {
      console.log(`\nBare single-row INSERT into r2_files (pool of ${POOL_MAX}, 50 at a time), round ${round}`);
      floors.insert!.push(await floorLoads.insert());
    }
    const presignRate = Math.round(floors.presign!.at(-1)?.rps ?? 0);
    if (presignRate > 0 && phase('health')) {
      console.log(`\nGET /health at presign's rate (${presignRate} req/s offered), round ${round}`);
      floors.healthAtPresignRate!.push(await floorLoads.health(DURATION, presignRate));
    }
    if (presignRate > 0 && phase('insert')) {
      console.log(`\nBare single-row INSERT at presign's rate (${presignRate}/s), round ${round}`);
      floors.insertAtPresignRate!.push(await floorLoads.insert(DURATION, presignRate));
    }
    if (floorLoads.presignFloor && floorLoads.presignFloorHealth) {
      console.log(`\nPresign's floor: no validation, URL signing or pending row (own API process), round ${round}`);
      floors.presignFloor!.push(await floorLoads.presignFloor());
      console.log(`\nGET /health of the same process, round ${round}`);
      floors.presignFloorHealth!.push(await floorLoads.presignFloorHealth());
    }
  }
  const merged = Object.fromEntries(Object.entries(floors).map(([name, runs]) => [name, mergePhases(runs)]));
  results.floors = floors;
  const {
    health: healthLoad,
    baseline: seedLoad,
    presign,
    insert,
    healthAtPresignRate,
    insertAtPresignRate,
    presignFloor,
    presignFloorHealth,
  } = merged;
  if (healthLoad) reportPhase('GET /health', healthLoad);
  if (healthAtPresignRate) record("GET /health at presign's rate: API CPU per request (ms)", healthAtPresignRate.apiMs.toFixed(3));
  if (seedLoad) {
    record('seed-style baseline: requests/s, its CPU/request (ms)', `${seedLoad.rps.toFixed(0)}, ${seedLoad.baselineMs.toFixed(3)}`);
  }
  if (presign) reportPhase('presign', presign);
  if (insert)
    record('bare INSERT: statements/s, PostgreSQL CPU/statement (ms)', `${insert.rps.toFixed(0)}, ${insert.postgresMs.toFixed(3)}`);
  if (insertAtPresignRate)
    record("bare INSERT at presign's rate: PostgreSQL CPU/statement (ms)", insertAtPresignRate.postgresMs.toFixed(3));
  if (presignFloor && presignFloorHealth) {
    record(
      "presign's floor (no validation, signing, pending row): API CPU/request (ms), its process's GET /health",
      `${presignFloor.apiMs.toFixed(3)}, ${presignFloorHealth.apiMs.toFixed(3)}`,
    );
  }

  let confirmRatio: number | undefined;
  if (phase('flow')) {
    console.log('\nSmall-file flow (presign → PUT 64 KiB → save-metadata), 8 concurrent clients');
    const flow = await smallFileFlow(auth, 8, DURATION);
    record('flow: uploads/s', flow.perSecond.toFixed(0));
    record('save-metadata within the flow: latency p50 / p99 (ms)', `${flow.confirmP50.toFixed(1)} / ${flow.confirmP99.toFixed(1)}`);
    // Compared like for like: confirms alone and the baseline alone, 8 at a time each, nothing
    // else running (within the flow the store is also receiving the PUTs).
    console.log('\nsave-metadata alone vs a minimal HeadObject + INSERT, 8 at a time');
    const confirms = await confirmLatency(8, 800);
    record(
      'save-metadata alone: p50 / p99 (ms); API, PostgreSQL CPU/confirm (ms)',
      `${confirms.p50.toFixed(1)} / ${confirms.p99.toFixed(1)}; ${confirms.apiMs.toFixed(3)}, ${confirms.postgresMs.toFixed(3)}`,
    );
    const floor = await baselineInsertAndHead(8, DURATION);
    record('HeadObject + INSERT (SDK + pg): p50 / p99 (ms)', `${floor.p50.toFixed(1)} / ${floor.p99.toFixed(1)}`);
    confirmRatio = confirms.p50 / floor.p50;
    record(
      'save-metadata vs HeadObject + INSERT: p50 / p99 ratio',
      `${confirmRatio.toFixed(2)}x / ${(confirms.p99 / floor.p99).toFixed(2)}x`,
    );
    results.flow = flow;
    results.confirms = confirms;
    results.headAndInsert = floor;
  }

  if (phase('list')) {
    console.log("\nGET /files at 1,000,000 rows (100,000 of them the caller's)");
    await seedRows(userId);
    const listSingle = await sequentialLatency(`${api}/files?limit=50`, [auth], undefined);
    record('GET /files unloaded: p50 / p99 (ms)', `${listSingle.p50.toFixed(1)} / ${listSingle.p99.toFixed(1)}`);
    const deepCursor = await cursorAt(userId, 90_000);
    const pages = { 'first page': '/files?limit=50', 'page at row 90,000': `/files?limit=50&cursor=${deepCursor}` };
    // Latency at saturation only restates throughput (Little's law: 50 requests in flight / req/s),
    // so each page is measured twice: flat out, and at a fixed offered rate below saturation,
    // where the figure shows what a request itself costs.
    for (const [name, path] of Object.entries(pages)) {
      const urls = apis.map((url) => `${url}${path}`);
      const saturated = await loadPhase(urls, { tokens: [token] });
      record(
        `GET /files ${name}, saturated: p50 / p99 (ms), req/s; API, PostgreSQL CPU/request (ms)`,
        `${saturated.p50} / ${saturated.p99}, ${saturated.rps.toFixed(0)}; ${saturated.apiMs.toFixed(3)}, ${saturated.postgresMs.toFixed(3)}`,
      );
      const offered = await loadPhase(urls, { tokens: [token], overallRate: LIST_OFFERED_RATE });
      record(`GET /files ${name} at ${LIST_OFFERED_RATE} req/s offered: p50 / p99 (ms)`, `${offered.p50} / ${offered.p99}`, 'p99 < 20');
      results[`list ${name}`] = { saturated, offered };
    }
  }

  if (phase('parts')) {
    console.log('\n10,000 multipart part URLs');
    // Three rounds (one multipart upload each): the median, and all three to show the spread.
    const rounds = [await tenThousandPartUrls(auth), await tenThousandPartUrls(auth), await tenThousandPartUrls(auth)];
    const times = rounds.map((round) => round.serverMs);
    record(
      '10,000 part URLs: server time, median of 3 (ms)',
      `${percentile(times, 50).toFixed(0)} (${times.map((ms) => ms.toFixed(0)).join(', ')})`,
      '< 500',
    );
    results.partUrls = rounds;
  }

  if (phase('memory')) {
    const rssAfter = rssMiB(server);
    console.log('\n1 GiB multipart upload through the store');
    const rssDuring = await oneGibUpload(auth);
    record(
      'API RSS idle / after the runs / peak during 1 GiB upload (MiB)',
      `${rssIdle} / ${rssAfter} / ${rssDuring}`,
      'flat during upload',
    );
    results.rss = { idleMiB: rssIdle, afterRunsMiB: rssAfter, peakDuringUploadMiB: rssDuring };
  }

  if (INSTANCES > 1 && phase('instances')) {
    console.log(`\n${INSTANCES} instances, one PostgreSQL: correctness`);
    await checkPendingCapAcrossInstances();
    await checkSweepersShareWork();
  }
  if (INSTANCES > 1) {
    if (unexpectedNon2xx > 0) failures.push(`${unexpectedNon2xx} non-2xx answers in the load phases`);
    record('non-2xx answers in the load phases', String(unexpectedNon2xx), '0');
  }

  console.log('\nRatios to the floors measured in this run');
  const ratios: Record<string, number> = {};
  const ratio = (measure: string, value: number | undefined, target: string, higherIsBetter = false) => {
    if (value === undefined || !Number.isFinite(value)) return;
    ratios[measure] = value;
    const bound = Number(target.replace(/[^\d.]/g, ''));
    const met = !target || (higherIsBetter ? value >= bound : value <= bound);
    record(measure, `${value.toFixed(2)}x${met ? '' : '  (not met)'}`, target || undefined);
  };
  ratio('API CPU per request: presign / GET /health, both flat out', presign && healthLoad && presign.apiMs / healthLoad.apiMs, '<= 1.5x');
  ratio(
    "API CPU per request: presign / GET /health at presign's rate",
    presign && healthAtPresignRate && presign.apiMs / healthAtPresignRate.apiMs,
    '<= 1.5x',
  );
  ratio(
    'PostgreSQL CPU per request: presign / bare INSERT, both flat out',
    presign && insert && presign.postgresMs / insert.postgresMs,
    '<= 1.5x',
  );
  ratio(
    "PostgreSQL CPU per request: presign / bare INSERT at presign's rate",
    presign && insertAtPresignRate && presign.postgresMs / insertAtPresignRate.postgresMs,
    '<= 1.5x',
  );
  // No target: what the first ratio cannot go below while presign runs through this stack at all.
  ratio(
    "API CPU per request: presign's floor / GET /health, both flat out, one process",
    presignFloor && presignFloorHealth && presignFloor.apiMs / presignFloorHealth.apiMs,
    '',
  );
  ratio('throughput: presign / seed-style baseline', presign && seedLoad && presign.rps / seedLoad.rps, '>= 0.8x', true);
  ratio('save-metadata p50 / HeadObject + INSERT p50', confirmRatio, '<= 2x');
  results.ratios = ratios;

  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify({ ...results, table: rows, failures }, null, 2)}\n`);
  console.log('\nResults (also in bench/results.json)');
  console.table(rows);
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  const others = [...servers, ...(floorApi ? [floorApi] : [])];
  for (const instance of others) instance.process.kill('SIGTERM');
  baseline.process.kill('SIGTERM');
  await Promise.all([...others.map((instance) => exited(instance.process)), exited(baseline.process)]);
  await db.end().catch(() => undefined);
  s3Client.destroy();
  await s3.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** One API process from dist/, as production runs it; its log lines go to a file (read by the sweeper check). */
async function startApi(index: number, nodeFlags: string[] = []): Promise<{ process: ChildProcess; url: string; logFile: string }> {
  const port = await findFreePort();
  const logFile = join(dir, `api-${index}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...startFlags, ...nodeFlags, ...profileArgs, 'dist/src/main.js'], {
    env: {
      ...process.env,
      ...storeEnv,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: postgres.url,
      DATABASE_POOL_MAX: String(POOL_MAX),
      JWT_SECRET: jwtSecret,
      UPLOAD_MAX_SIZE: String(5 * 1024 ** 4),
      UPLOAD_MAX_PENDING_PER_USER: String(PENDING_CAP),
      MULTIPART_PART_SIZE: String(5 * MiB),
      MULTIPART_URLS_PER_REQUEST: '1000',
      AUTH_RATE_LIMIT: '1000000',
      // Completing the 1 GiB upload makes the emulator copy 1 GiB on a busy disk: longer than the
      // default 10 s per store call, unlike R2, which assembles parts without the API waiting on a copy.
      STORAGE_REQUEST_TIMEOUT: '120000',
      // Several instances: every one sweeps, every second, with no grace (see checkSweepersShareWork).
      ...(INSTANCES > 1 ? { SWEEPER_INTERVAL: '1', SWEEPER_GRACE: '0', SWEEPER_BATCH_SIZE: '50' } : { SWEEPER_INTERVAL: '0' }),
    },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  return { process: child, url: `http://127.0.0.1:${port}`, logFile };
}

/** bench/seed-baseline-server.mjs in its own process; resolves with its URL once it listens. */
async function startBaselineServer(): Promise<{ process: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bench/seed-baseline-server.mjs'], {
    env: { ...process.env, ...storeEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the baseline server exited (${code})`)));
  });
  return { process: child, url: `http://127.0.0.1:${port}` };
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

interface Phase {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  cpu: CpuUsed;
  /** CPU per request (ms) of the API, PostgreSQL and the baseline server. */
  apiMs: number;
  postgresMs: number;
  baselineMs: number;
}

function phaseFrom(requests: number, rps: number, p50: number, p99: number, non2xx: number, cpu: CpuUsed): Phase {
  return {
    requests,
    rps,
    p50,
    p99,
    non2xx,
    cpu,
    apiMs: msPer(cpu.api, requests),
    postgresMs: msPer(cpu.postgres, requests),
    baselineMs: msPer(cpu.baseline, requests),
  };
}

/** Several runs of one phase as one: CPU per request over all requests, mean throughput, worst percentiles. */
function mergePhases(runs: Phase[]): Phase | undefined {
  if (runs.length === 0) return undefined;
  const sum = (pick: (run: Phase) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const cpu: CpuUsed = {
    api: sum((run) => run.cpu.api),
    apiSystem: sum((run) => run.cpu.apiSystem),
    postgres: sum((run) => run.cpu.postgres),
    store: sum((run) => run.cpu.store),
    baseline: sum((run) => run.cpu.baseline),
    total: sum((run) => run.cpu.total),
    elapsedSeconds: sum((run) => run.cpu.elapsedSeconds),
  };
  const worst = (pick: (run: Phase) => number) => Math.max(...runs.map(pick));
  return phaseFrom(
    sum((run) => run.requests),
    sum((run) => run.rps) / runs.length,
    worst((run) => run.p50),
    worst((run) => run.p99),
    sum((run) => run.non2xx),
    cpu,
  );
}

function reportPhase(name: string, load: Phase): void {
  record(`${name}: requests/s (mean of ${ROUNDS}), p50 / p99 (ms)`, `${load.rps.toFixed(0)}, ${load.p50} / ${load.p99}`);
  record(`${name}: CPU per request (ms), API / PostgreSQL`, `${load.apiMs.toFixed(3)} / ${load.postgresMs.toFixed(3)}`);
}

/** autocannon in its own process (bench/load.mjs) against `urls` (one per instance), with the CPU each party used. */
async function loadPhase(
  urls: string[],
  options: {
    method?: string;
    tokens: string[];
    body?: string;
    overallRate?: number;
    seconds?: number;
    /** The API process whose CPU counts, when not the instances under test (presign's floor). */
    api?: ChildProcess;
  },
): Promise<Phase> {
  const config = {
    urls,
    method: options.method ?? 'GET',
    body: options.body,
    tokens: options.tokens,
    connections: CONNECTIONS,
    duration: options.seconds ?? DURATION,
    overallRate: options.overallRate,
  };
  // Through a file: a thousand tokens do not fit in one command-line argument.
  const configFile = join(dir, 'load.json');
  writeFileSync(configFile, JSON.stringify(config));
  const { value: stdout, cpu } = await measureCpu(
    options.api ? { ...parties, api: [options.api.pid!] } : parties,
    async () => (await run(process.execPath, ['bench/load.mjs', configFile], { maxBuffer: 64 * MiB })).stdout,
  );
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    non2xx: number;
    errors: number;
  };
  if (result.non2xx > 0 || result.errors > 0) console.warn(`  warning: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  unexpectedNon2xx += result.non2xx + result.errors;
  const load = phaseFrom(result.requests.total, result.requests.average, result.latency.p50, result.latency.p99, result.non2xx, cpu);
  console.log(
    `  ${load.rps.toFixed(0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms; CPU per request: API ${load.apiMs.toFixed(3)} ms, PostgreSQL ${load.postgresMs.toFixed(3)} ms`,
  );
  return load;
}

/**
 * PostgreSQL's floor for presign: one single-row INSERT of a pending upload into r2_files, with
 * bind parameters, through a pool of the API's size, 50 at a time — no role switch, no lock, no
 * quota. PostgreSQL's CPU per statement is the figure.
 */
async function bareInserts(concurrency: number, seconds: number, ratePerSecond?: number): Promise<Phase> {
  const pool = new pg.Pool({ connectionString: postgres.url, max: POOL_MAX });
  const latencies: number[] = [];
  const start = performance.now();
  const end = Date.now() + seconds * 1000;
  let issued = 0;
  // With a rate, statement i may not start before start + i / rate (evenly spaced, as load.mjs's open loop).
  const nextSlot = async () => {
    const due = ratePerSecond ? start + (issued++ * 1000) / ratePerSecond : 0;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const { cpu } = await measureCpu(parties, () =>
    Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const userId = `bare-insert-${worker}-${randomUUID()}`;
        for (await nextSlot(); Date.now() < end; await nextSlot()) {
          const started = performance.now();
          await pool.query(
            `INSERT INTO r2_files (object_key, file_url, user_id, file_name, content_type, declared_size, status, expires_at, url_expires_at)
             VALUES ($1, NULL, $2, 'photo.png', 'image/png', 65536, 'pending', now() + interval '65 minutes', now() + interval '5 minutes')`,
            [`${randomUUID()}-photo.png`, userId],
          );
          latencies.push(performance.now() - started);
        }
      }),
    ),
  );
  await pool.end();
  const load = phaseFrom(
    latencies.length,
    latencies.length / cpu.elapsedSeconds,
    percentile(latencies, 50),
    percentile(latencies, 99),
    0,
    cpu,
  );
  console.log(`  ${load.rps.toFixed(0)} statements/s; PostgreSQL CPU per statement ${load.postgresMs.toFixed(3)} ms`);
  return load;
}

/**
 * Two-instance check: one user fires 3 × the cap of presigns at once, spread over the instances.
 * Exactly `cap` must succeed, the rest be 429, nothing else; the database holds exactly `cap` pending rows.
 */
async function checkPendingCapAcrossInstances(): Promise<void> {
  const [userToken] = await mintAccessTokens(jwtSecret, 1);
  const headers = bearer(userToken!);
  const statuses = await Promise.all(
    Array.from({ length: PENDING_CAP * 3 }, async (_, i) => {
      const response = await fetch(`${apis[i % apis.length]}/presign-upload`, { method: 'POST', headers, body: PRESIGN_BODY });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  const created = statuses.filter((status) => status === 201).length;
  const refused = statuses.filter((status) => status === 429).length;
  const { sub } = JSON.parse(Buffer.from(userToken!.split('.')[1]!, 'base64url').toString()) as { sub: string };
  const { rows: counted } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM r2_files WHERE user_id = $1 AND status = 'pending'`,
    [sub],
  );
  const exact = created === PENDING_CAP && refused === PENDING_CAP * 2 && counted[0]!.n === PENDING_CAP;
  if (!exact) failures.push(`pending cap across instances: ${created} × 201, ${refused} × 429, ${counted[0]!.n} rows (cap ${PENDING_CAP})`);
  record(
    `pending cap ${PENDING_CAP}, ${PENDING_CAP * 3} parallel presigns over ${apis.length} instances: 201 / 429 / other, rows`,
    `${created} / ${refused} / ${statuses.length - created - refused}, ${counted[0]!.n}${exact ? '' : '  (WRONG)'}`,
    `${PENDING_CAP} / ${PENDING_CAP * 2} / 0, ${PENDING_CAP}`,
  );
}

/**
 * Two-instance check: expired pending uploads are removed once each, whichever sweeper takes them.
 * The sweepers log how many they removed; the sum must equal what was expired (a row removed by
 * both would count twice).
 */
async function checkSweepersShareWork(): Promise<void> {
  const count = 3000;
  const tag = `sweep-${randomUUID()}`;
  const removedSoFar = () => servers.map((instance) => sweptInLog(instance.logFile));
  const before = removedSoFar();
  await db.query(
    `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status, expires_at)
     SELECT $1 || '-' || g, $1 || '-' || (g % 100), 'f.bin', 'application/octet-stream', 'pending', now() - interval '1 hour'
       FROM generate_series(1, $2::int) g`,
    [tag, count],
  );
  const started = Date.now();
  for (;;) {
    const { rows: left } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM r2_files WHERE object_key LIKE $1 || '-%'`, [tag]);
    if (left[0]!.n === 0) break;
    if (Date.now() - started > 120_000) throw new Error(`the sweepers left ${left[0]!.n} of ${count} expired uploads after 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // The last sweep's log line is written after its transaction commits.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const removed = removedSoFar().map((total, i) => total - before[i]!);
  const sum = removed.reduce((a, b) => a + b, 0);
  if (sum !== count) failures.push(`sweepers removed ${sum} uploads for ${count} expired (${removed.join(' + ')})`);
  record(
    `${count} expired uploads, removed by each sweeper (sum must be ${count})`,
    `${removed.join(' + ')} = ${sum}${sum === count ? '' : '  (WRONG)'}`,
    `= ${count}`,
  );
}

/** Uploads the sweeper of one instance says it removed, from its JSON log lines. */
function sweptInLog(logFile: string): number {
  let total = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('Removed expired pending uploads')) continue;
    total += Number((JSON.parse(line) as { removed?: number }).removed ?? 0);
  }
  return total;
}

function rssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function registerUser(): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${api}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: 'bench password 123' }),
  });
  const { accessToken } = (await response.json()) as { accessToken: string };
  const me = (await (await fetch(`${api}/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).json()) as { id: string };
  return { token: accessToken, userId: me.id };
}

function bearer(accessToken: string): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' };
}

/** 200 requests one after the other, taking the header sets in turn (one per user, say). */
async function sequentialLatency(url: string, headerSets: Record<string, string>[], body: string | undefined) {
  const times: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { method: body ? 'POST' : 'GET', headers: headerSets[i % headerSets.length], body });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`${url} answered ${response.status}: the figures would not be of the real path`);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Presigns a small upload and PUTs `body` to the store; returns the object key. */
async function presignAndPut(headers: Record<string, string>, body: Buffer): Promise<string> {
  const presigned = await fetch(`${api}/presign-upload`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ fileName: 'a.bin', contentType: 'application/octet-stream', size: body.length }),
  });
  if (presigned.status !== 201) throw new Error(`presign failed: ${presigned.status}`);
  const { presignedUrl, objectKey } = (await presigned.json()) as { presignedUrl: string; objectKey: string };
  const put = await fetch(presignedUrl, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' } });
  if (!put.ok) throw new Error(`PUT failed: ${put.status}`);
  return objectKey;
}

/** Confirms an uploaded object; returns the save-metadata latency in ms. */
async function timedConfirm(headers: Record<string, string>, objectKey: string): Promise<number> {
  const started = performance.now();
  const saved = await fetch(`${api}/save-metadata`, { method: 'POST', headers, body: JSON.stringify({ objectKey }) });
  await saved.arrayBuffer();
  const elapsed = performance.now() - started;
  if (saved.status !== 201) throw new Error(`save-metadata failed: ${saved.status}`);
  return elapsed;
}

async function smallFileFlow(auth: Record<string, string>, concurrency: number, seconds: number) {
  const body = randomBytes(64 * 1024);
  const confirmTimes: number[] = [];
  let uploads = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        confirmTimes.push(await timedConfirm(auth, await presignAndPut(auth, body)));
        uploads += 1;
      }
    }),
  );
  return { perSecond: uploads / seconds, uploads, confirmP50: percentile(confirmTimes, 50), confirmP99: percentile(confirmTimes, 99) };
}

/** Presigns and uploads `count` small files first, then times only their confirmations. */
async function confirmLatency(concurrency: number, count: number) {
  const body = randomBytes(64 * 1024);
  // Spread over users so no one reaches the pending-upload cap while they wait.
  const users = (await mintAccessTokens(jwtSecret, Math.ceil(count / 50))).map(bearer);
  const uploaded: { headers: Record<string, string>; objectKey: string }[] = [];
  await inParallel(concurrency, count, async (i) => {
    const headers = users[i % users.length]!;
    uploaded.push({ headers, objectKey: await presignAndPut(headers, body) });
  });
  const times: number[] = [];
  const { cpu } = await measureCpu(parties, () =>
    inParallel(concurrency, count, async (i) => {
      const { headers, objectKey } = uploaded[i]!;
      times.push(await timedConfirm(headers, objectKey));
    }),
  );
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    confirms: times.length,
    apiMs: msPer(cpu.api, times.length),
    postgresMs: msPer(cpu.postgres, times.length),
  };
}

/** Runs task(0..count-1) with at most `concurrency` at a time. */
async function inParallel(concurrency: number, count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}

/** What save-metadata fundamentally needs: one HeadObject and one INSERT, done by a minimal client (SDK + pg). */
async function baselineInsertAndHead(concurrency: number, seconds: number) {
  const key = `baseline-${randomUUID()}`;
  await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(64 * 1024) }));
  const pool = new pg.Pool({ connectionString: postgres.url, max: concurrency });
  const times: number[] = [];
  const end = Date.now() + seconds * 1000;
  await measureCpu(parties, () =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < end) {
          const started = performance.now();
          await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
          await pool.query(
            `INSERT INTO r2_files (object_key, user_id, file_name, content_type, status) VALUES ($1, 'baseline', 'a.bin', 'application/octet-stream', 'uploaded')`,
            [`baseline-${randomUUID()}`],
          );
          times.push(performance.now() - started);
        }
      }),
    ),
  );
  await pool.end();
  return { p50: percentile(times, 50), p99: percentile(times, 99), operations: times.length };
}

/** 1,000,000 rows, 100,000 of them the caller's, written in one statement each (not through the API). */
async function seedRows(userId: string): Promise<void> {
  const started = Date.now();
  await db.query(
    `INSERT INTO r2_files (object_key, user_id, file_name, content_type, size, etag, status, upload_timestamp)
     SELECT 'seed-' || g, CASE WHEN g % 10 = 0 THEN $1 ELSE 'other-' || (g % 997) END, 'file-' || g || '.png', 'image/png', 1000 + g,
            '"' || md5(g::text) || '"', 'uploaded', date_trunc('milliseconds', now() - g * interval '1 second')
       FROM generate_series(1, 1000000) g`,
    [userId],
  );
  // The steady state of a table that has been live for a while: statistics and visibility map
  // up to date (and no autovacuum of the new rows landing in the middle of a measurement), and the
  // bulk load's pages already written out: otherwise the checkpoint it triggers spreads ~200 MB of
  // writes over the next minutes, across the latency runs below.
  await db.query('VACUUM ANALYZE r2_files');
  await db.query('CHECKPOINT');
  console.log(`  seeded 1,000,000 rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function cursorAt(userId: string, offset: number): Promise<string> {
  const { rows: found } = await db.query(
    `SELECT upload_timestamp, id FROM r2_files WHERE user_id = $1 AND status = 'uploaded' ORDER BY upload_timestamp DESC, id DESC OFFSET $2 LIMIT 1`,
    [userId, offset],
  );
  const { upload_timestamp: timestamp, id } = found[0] as { upload_timestamp: Date; id: string };
  return Buffer.from(JSON.stringify([timestamp.toISOString(), Number(id)])).toString('base64url');
}

async function tenThousandPartUrls(auth: Record<string, string>) {
  const started = (await (
    await fetch(`${api}/files/multipart`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ fileName: 'huge.bin', contentType: 'application/octet-stream', size: 10_000 * 5 * MiB }),
    })
  ).json()) as { uploadId: string; partCount: number; parts: unknown[] };
  if (started.partCount !== 10_000) throw new Error(`expected 10,000 parts, got: ${JSON.stringify(started)}`);
  let serverMs = 0;
  let urls = 0;
  for (let from = 1; from <= 10_000; from += 1000) {
    const partNumbers = Array.from({ length: 1000 }, (_, i) => from + i);
    const t0 = performance.now();
    const response = await fetch(`${api}/files/multipart/${encodeURIComponent(started.uploadId)}/part-urls`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ partNumbers }),
    });
    const body = (await response.json()) as { parts: unknown[] };
    serverMs += performance.now() - t0;
    urls += body.parts.length;
  }
  await fetch(`${api}/files/multipart/${encodeURIComponent(started.uploadId)}`, { method: 'DELETE', headers: auth });
  return { urls, serverMs, requests: 10 };
}

/** Streams 1 GiB through presigned part URLs to the store while sampling the API's memory. */
async function oneGibUpload(auth: Record<string, string>): Promise<number> {
  const size = 1024 * MiB;
  const started = (await (
    await fetch(`${api}/files/multipart`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ fileName: 'one-gib.bin', contentType: 'application/octet-stream', size }),
    })
  ).json()) as { uploadId: string; partCount: number; partSize: number };
  const urls = (await (
    await fetch(`${api}/files/multipart/${encodeURIComponent(started.uploadId)}/part-urls`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ partNumbers: Array.from({ length: started.partCount }, (_, i) => i + 1) }),
    })
  ).json()) as { parts: { partNumber: number; url: string; size: number }[] };
  let peak = rssMiB(server);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server))), 100);
  const chunk = randomBytes(started.partSize);
  const parts: { partNumber: number; etag: string }[] = [];
  const queue = [...urls.parts];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let part = queue.shift(); part; part = queue.shift()) {
        const response = await fetch(part.url, { method: 'PUT', body: chunk.subarray(0, part.size) });
        parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag') as string });
      }
    }),
  );
  parts.sort((a, b) => a.partNumber - b.partNumber);
  const done = await fetch(`${api}/files/multipart/${encodeURIComponent(started.uploadId)}/complete`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ parts }),
  });
  clearInterval(sampler);
  if (done.status !== 201) throw new Error(`completing the 1 GiB upload failed: ${done.status} ${await done.text()}`);
  return Math.max(peak, rssMiB(server));
}

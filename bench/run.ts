/*
 * `npm run bench`: measures the API built for production against the embedded stack.
 * - the API runs from dist/ in its own process (NODE_ENV=production, JSON logs to /dev/null);
 * - load comes from autocannon in another process, or from this process for multi-step flows;
 * - prints a table and writes bench/results.json.
 * Figures depend on the machine; the targets are those of the performance issue (2 cores).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignJWT } from 'jose';
import pg from 'pg';

import { startEmbeddedPostgres } from '../scripts/local-stack/embedded-postgres.js';
import { findFreePort } from '../scripts/local-stack/free-port.js';
import { EMULATOR_CREDENTIALS } from '../scripts/local-stack/s3-emulator.js';
import { startS3EmulatorProcess } from '../scripts/local-stack/s3-emulator-process.js';
import { createMigrationDataSource } from '../src/database/migration-data-source.js';

const run = promisify(execFile);
const BUCKET = 'r2-files-bench';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
/** Offered load for the GET /files latency runs: busy, but below what this machine saturates at. */
const LIST_OFFERED_RATE = Number(process.env.BENCH_LIST_RATE ?? 500);
/** BENCH_ONLY=presign,list (phases: health, presign, flow, list, parts, memory) runs a subset, e.g. to profile one path. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const phase = (name: string) => !ONLY || ONLY.includes(name);
const MiB = 1024 * 1024;

interface Row {
  measure: string;
  value: string;
  target?: string;
}
const rows: Row[] = [];
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, durationSeconds: DURATION };
const record = (measure: string, value: string, target?: string) => {
  rows.push({ measure, value, target });
  console.log(`  ${measure}: ${value}${target ? `   (target ${target})` : ''}`);
};

const dir = join(tmpdir(), `r2-files-bench-${process.pid}`);
mkdirSync(dir, { recursive: true, mode: 0o755 });
console.log('Starting embedded PostgreSQL and the S3 emulator...');
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), database: 'bench', persistent: false, fast: true });
const s3 = await startS3EmulatorProcess({
  directory: join(dir, 's3'),
  bucket: BUCKET,
  corsOrigins: ['http://localhost'],
  resetOnClose: true,
});
const migrations = createMigrationDataSource(postgres.url);
await migrations.initialize();
await migrations.runMigrations();
await migrations.destroy();

const port = await findFreePort();
// Known to the bench so it can mint tokens for many users without registering each one.
const jwtSecret = randomBytes(48).toString('base64');
const api = `http://127.0.0.1:${port}`;
// BENCH_PROFILE=1 writes a V8 CPU profile of the API to bench/profiles/ (open in Chrome DevTools,
// or summarise with `node bench/profile-summary.mjs bench/profiles/<file>`).
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
const server = spawn(process.execPath, [...profileArgs, 'dist/src/main.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(port),
    DATABASE_URL: postgres.url,
    DATABASE_POOL_MAX: '20',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: 'us-east-1',
    R2_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    R2_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    R2_BUCKET_NAME: BUCKET,
    JWT_SECRET: jwtSecret,
    UPLOAD_MAX_SIZE: String(5 * 1024 ** 4),
    MULTIPART_PART_SIZE: String(5 * MiB),
    MULTIPART_URLS_PER_REQUEST: '1000',
    AUTH_RATE_LIMIT: '1000000',
    SWEEPER_INTERVAL: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

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
  await waitForHealth();
  await db.connect();
  const rssIdle = rssMiB(server);
  const { token, userId } = await registerUser();
  const auth = bearer(token);
  // Write traffic from many users, as in production: 1,000 of them, each well under the default
  // pending-upload cap (UPLOAD_MAX_PENDING_PER_USER) for the whole run.
  const writerTokens = await mintTokens(1000);

  console.log('\nUnloaded latency (one request at a time)');
  const single = await sequentialLatency(
    `${api}/presign-upload`,
    writerTokens.map(bearer),
    JSON.stringify({ fileName: 'photo.png', contentType: 'image/png', size: 65536 }),
  );
  record('presign unloaded: p50 / p99 (ms)', `${single.p50.toFixed(1)} / ${single.p99.toFixed(1)}`);
  const health = await sequentialLatency(`${api}/health`, [{}], undefined);
  record('GET /health unloaded: p50 (ms)', health.p50.toFixed(1));

  if (phase('health')) {
    console.log('\nGET /health (no database, no auth: the HTTP stack alone)');
    const ceiling = await autocannon(`${api}/health`, { tokens: [token] });
    record('GET /health: requests/s (framework ceiling)', ceiling.rps.toFixed(0));
    results.healthCeiling = ceiling;
  }

  if (phase('presign')) {
    console.log('\nPOST /presign-upload');
    const presign = await autocannon(`${api}/presign-upload`, {
      method: 'POST',
      tokens: writerTokens,
      body: JSON.stringify({ fileName: 'photo.png', contentType: 'image/png', size: 65536 }),
    });
    record('presign: requests/s (50 connections, 1,000 users)', presign.rps.toFixed(0), '>= 3000');
    record('presign: latency p50 / p99 (ms)', `${presign.p50} / ${presign.p99}`);
    results.presign = presign;
  }

  if (phase('flow')) {
    console.log('\nSmall-file flow (presign → PUT 64 KiB → save-metadata), 8 concurrent clients');
    const flow = await smallFileFlow(auth, 8, DURATION);
    record('flow: uploads/s', flow.perSecond.toFixed(0));
    record('save-metadata within the flow: latency p50 / p99 (ms)', `${flow.confirmP50.toFixed(1)} / ${flow.confirmP99.toFixed(1)}`);
    // Compared like for like: confirms alone and the baseline alone, 8 at a time each, nothing
    // else running (within the flow the store is also receiving the PUTs).
    console.log('\nsave-metadata alone vs a minimal INSERT + HeadObject, 8 at a time');
    const confirms = await confirmLatency(8, 800);
    record('save-metadata alone: latency p50 / p99 (ms)', `${confirms.p50.toFixed(1)} / ${confirms.p99.toFixed(1)}`);
    const baseline = await baselineInsertAndHead(8, DURATION);
    record('baseline INSERT + HeadObject: p50 / p99 (ms)', `${baseline.p50.toFixed(1)} / ${baseline.p99.toFixed(1)}`);
    record(
      'save-metadata vs baseline: p50 / p99 ratio',
      `${(confirms.p50 / baseline.p50).toFixed(2)}x / ${(confirms.p99 / baseline.p99).toFixed(2)}x`,
      '<= 2x',
    );
    results.flow = flow;
    results.confirms = confirms;
    results.baseline = baseline;
  }

  if (phase('list')) {
    console.log("\nGET /files at 1,000,000 rows (100,000 of them the caller's)");
    await seedRows(userId);
    const listSingle = await sequentialLatency(`${api}/files?limit=50`, [auth], undefined);
    record('GET /files unloaded: p50 / p99 (ms)', `${listSingle.p50.toFixed(1)} / ${listSingle.p99.toFixed(1)}`);
    const deepCursor = await cursorAt(userId, 90_000);
    const pages = { 'first page': `${api}/files?limit=50`, 'page at row 90,000': `${api}/files?limit=50&cursor=${deepCursor}` };
    // Latency at saturation only restates throughput (Little's law: 50 requests in flight / req/s),
    // so each page is measured twice: flat out, and at a fixed offered rate below saturation,
    // where the figure shows what a request itself costs.
    for (const [name, url] of Object.entries(pages)) {
      const saturated = await autocannon(url, { tokens: [token] });
      record(`GET /files ${name}, saturated: p50 / p99 (ms), req/s`, `${saturated.p50} / ${saturated.p99}, ${saturated.rps.toFixed(0)}`);
      const offered = await autocannon(url, { tokens: [token], overallRate: LIST_OFFERED_RATE });
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
      '< 1000',
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

  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
  console.log('\nResults (also in bench/results.json)');
  console.table(rows);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await db.end().catch(() => undefined);
  s3Client.destroy();
  await s3.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const ok = await fetch(`${api}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the API did not become ready');
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

/** Access tokens for new user ids, signed as the API signs them (its secret, issuer and audience). */
function mintTokens(count: number): Promise<string[]> {
  const key = new TextEncoder().encode(jwtSecret);
  return Promise.all(
    Array.from({ length: count }, () =>
      new SignJWT({ email: `bench-${randomUUID()}@example.com` })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(randomUUID())
        .setIssuer('r2-files')
        .setAudience('r2-files')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key),
    ),
  );
}

/** autocannon in its own process (bench/load.mjs); returns throughput and latency percentiles. */
async function autocannon(url: string, options: { method?: string; tokens: string[]; body?: string; overallRate?: number }) {
  const config = {
    url,
    method: options.method ?? 'GET',
    body: options.body,
    tokens: options.tokens,
    connections: CONNECTIONS,
    duration: DURATION,
    overallRate: options.overallRate,
  };
  // Through a file: a thousand tokens do not fit in one command-line argument.
  const configFile = join(dir, 'load.json');
  writeFileSync(configFile, JSON.stringify(config));
  const { value: stdout, cpu } = await withCpuShown(
    async () => (await run(process.execPath, ['bench/load.mjs', configFile], { maxBuffer: 64 * MiB })).stdout,
  );
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    non2xx: number;
    errors: number;
  };
  if (result.non2xx > 0 || result.errors > 0) console.warn(`  warning: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    cpuPercent: cpu,
  };
}

/**
 * CPU seconds used so far by the API process, the embedded PostgreSQL (postmaster and backends),
 * the S3 emulator and everything else on the machine (mostly the load generator), from /proc. Shows
 * which one a figure is bound by on a 2-core machine where all of them share the cores.
 */
function cpuByProcessGroup(): { api: number; postgres: number; store: number; total: number } {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const postmaster = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let api = 0;
  let postgresTicks = 0;
  let store = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the ")" closing the command name: state(3) ppid(4) ... utime(14) stime(15)
    // cutime(16) cstime(17); the postmaster's cutime/cstime hold the backends that have exited.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const pid = Number(entry);
    if (pid === server.pid) api += ticks;
    else if (pid === s3.process.pid) store += ticks;
    else if (pid === postmaster) postgresTicks += ticks + Number(fields[13]) + Number(fields[14]);
    else if (Number(fields[1]) === postmaster) postgresTicks += ticks;
  }
  const total = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .split(/\s+/)
    .slice(1, 9)
    .reduce((sum, n, i) => (i === 3 || i === 4 ? sum : sum + Number(n)), 0);
  return {
    api: api / ticksPerSecond,
    postgres: postgresTicks / ticksPerSecond,
    store: store / ticksPerSecond,
    total: total / ticksPerSecond,
  };
}

/** Runs `work` and prints the CPU each party used meanwhile. */
async function withCpuShown<T>(work: () => Promise<T>): Promise<{ value: T; cpu: ReturnType<typeof cpuShare> }> {
  const before = cpuByProcessGroup();
  const started = performance.now();
  const value = await work();
  const cpu = cpuShare(before, cpuByProcessGroup(), performance.now() - started);
  console.log(
    `  CPU used during the run (100% = one core): API ${cpu.api}%, PostgreSQL ${cpu.postgres}%, S3 emulator ${cpu.store}%, load generator and the rest ${cpu.rest}%`,
  );
  return { value, cpu };
}

function cpuShare(before: ReturnType<typeof cpuByProcessGroup>, after: ReturnType<typeof cpuByProcessGroup>, elapsedMs: number) {
  const percent = (seconds: number) => Math.round((seconds / (elapsedMs / 1000)) * 100);
  const api = after.api - before.api;
  const postgresSeconds = after.postgres - before.postgres;
  const store = after.store - before.store;
  return {
    api: percent(api),
    postgres: percent(postgresSeconds),
    store: percent(store),
    rest: Math.max(0, percent(after.total - before.total - api - postgresSeconds - store)),
  };
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
  const users = (await mintTokens(Math.ceil(count / 50))).map(bearer);
  const uploaded: { headers: Record<string, string>; objectKey: string }[] = [];
  await inParallel(concurrency, count, async (i) => {
    const headers = users[i % users.length]!;
    uploaded.push({ headers, objectKey: await presignAndPut(headers, body) });
  });
  const times: number[] = [];
  await withCpuShown(() =>
    inParallel(concurrency, count, async (i) => {
      const { headers, objectKey } = uploaded[i]!;
      times.push(await timedConfirm(headers, objectKey));
    }),
  );
  return { p50: percentile(times, 50), p99: percentile(times, 99), confirms: times.length };
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

/** What save-metadata fundamentally needs: one INSERT and one HeadObject, done by a minimal client. */
async function baselineInsertAndHead(concurrency: number, seconds: number) {
  const key = `baseline-${randomUUID()}`;
  await s3Client.send(
    new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(64 * 1024) }),
  );
  const pool = new pg.Pool({ connectionString: postgres.url, max: concurrency });
  const times: number[] = [];
  const end = Date.now() + seconds * 1000;
  await withCpuShown(() =>
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
  // up to date (and no autovacuum of the new rows landing in the middle of a measurement).
  await db.query('VACUUM ANALYZE r2_files');
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

/*
 * CPU time by party, from /proc: what each request costs the API and PostgreSQL is the robust
 * figure on a small shared machine, where throughput moves with whatever else runs.
 */
import { readFileSync } from 'node:fs';

import { allProcStats } from '../scripts/local-stack/proc-stat.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Parties {
  /** The API processes (two in `--instances 2`). */
  api: readonly number[];
  /** PostgreSQL's postmaster: it and its children (backends, walwriter, checkpointer…) count as PostgreSQL. */
  postmaster: () => number;
  store: number;
  /** The seed-style baseline server. */
  baseline: number;
}

export interface CpuSeconds {
  api: number;
  /** The part of `api` spent in the kernel (socket reads and writes, mostly). */
  apiSystem: number;
  postgres: number;
  store: number;
  baseline: number;
  /** Every CPU of the machine: the rest is mostly the load generator. */
  total: number;
}

export interface CpuUsed extends CpuSeconds {
  elapsedSeconds: number;
}

/** CPU seconds used so far by each party. */
export function cpuSoFar(parties: Parties): CpuSeconds {
  const postmaster = parties.postmaster();
  const seconds: CpuSeconds = { api: 0, apiSystem: 0, postgres: 0, store: 0, baseline: 0, total: 0 };
  for (const { pid, fields } of allProcStats()) {
    // utime(14) stime(15) cutime(16) cstime(17) of proc(5): the postmaster's cutime/cstime hold
    // the backends that have exited.
    const own = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    if (parties.api.includes(pid)) {
      seconds.api += own;
      seconds.apiSystem += Number(fields[12]) / TICKS_PER_SECOND;
    } else if (pid === parties.store) seconds.store += own;
    else if (pid === parties.baseline) seconds.baseline += own;
    else if (pid === postmaster) seconds.postgres += own + (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
    else if (Number(fields[1]) === postmaster) seconds.postgres += own;
  }
  seconds.total =
    readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .split(/\s+/)
      .slice(1, 9)
      .reduce((sum, n, i) => (i === 3 || i === 4 ? sum : sum + Number(n)), 0) / TICKS_PER_SECOND;
  return seconds;
}

/** Runs `work` and returns what each party used meanwhile, printing it as shares of one core. */
export async function measureCpu<T>(parties: Parties, work: () => Promise<T>): Promise<{ value: T; cpu: CpuUsed }> {
  const before = cpuSoFar(parties);
  const started = performance.now();
  const value = await work();
  const after = cpuSoFar(parties);
  const cpu: CpuUsed = {
    api: after.api - before.api,
    apiSystem: after.apiSystem - before.apiSystem,
    postgres: after.postgres - before.postgres,
    store: after.store - before.store,
    baseline: after.baseline - before.baseline,
    total: after.total - before.total,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  const percent = (seconds: number) => Math.round((seconds / cpu.elapsedSeconds) * 100);
  const rest = cpu.total - cpu.api - cpu.postgres - cpu.store - cpu.baseline;
  console.log(
    `  CPU used (100% = one core): API ${percent(cpu.api)}% (kernel ${percent(cpu.apiSystem)}%), PostgreSQL ${percent(cpu.postgres)}%, S3 emulator ${percent(cpu.store)}%, ` +
      `baseline server ${percent(cpu.baseline)}%, load generator and the rest ${Math.max(0, percent(rest))}%`,
  );
  return { value, cpu };
}

/** Milliseconds of CPU per request. */
export const msPer = (cpuSeconds: number, requests: number): number => (requests > 0 ? (cpuSeconds * 1000) / requests : NaN);

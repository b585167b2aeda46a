import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /**
   * The fields of /proc/<pid>/stat after the command name, from `state` on: [0] state, [1] ppid,
   * [11] utime, [12] stime, [13] cutime, [14] cstime (clock ticks).
   */
  fields: string[];
}

/**
 * /proc/<pid>/stat of every process now running (Linux). The command name may contain spaces and
 * parentheses, so the fields are split after the last ')'. Processes that exit meanwhile are skipped.
 */
export function allProcStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    stats.push({ pid: Number(entry), fields: stat.slice(stat.lastIndexOf(')') + 2).split(' ') });
  }
  return stats;
}

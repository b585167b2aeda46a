import { readFileSync } from 'node:fs';

import { allProcStats } from '../../../scripts/local-stack/proc-stat.js';

/**
 * Freezing a service the way a hung host or a stalled VM looks to its clients: every process of it
 * stopped (SIGSTOP), its sockets still open, the kernel still completing TCP handshakes into the
 * listen backlog — so a client connects and then gets no answer, instead of a clean refusal.
 */

/** The PIDs of `pid`'s descendants (children, their children…), read from /proc. */
export function descendantPids(pid: number): number[] {
  const parentOf = new Map<number, number[]>();
  for (const { pid: child, fields } of allProcStats()) {
    const ppid = Number(fields[1]);
    parentOf.set(ppid, [...(parentOf.get(ppid) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [...(parentOf.get(pid) ?? [])];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push(next);
    queue.push(...(parentOf.get(next) ?? []));
  }
  return found;
}

/** The state letter of a process in /proc (`T` = stopped), or null when it does not exist. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Stops a process and all its descendants. The root first, so it cannot fork a new child (a
 * PostgreSQL backend for a new connection) between the listing and the signals.
 */
export function freezeTree(rootPid: number): number[] {
  signal(rootPid, 'SIGSTOP');
  const all = [rootPid, ...descendantPids(rootPid)];
  for (const pid of all.slice(1)) signal(pid, 'SIGSTOP');
  return all;
}

/** Resumes a process tree stopped by `freezeTree`: children first, then the root. */
export function thawTree(rootPid: number): void {
  for (const pid of descendantPids(rootPid)) signal(pid, 'SIGCONT');
  signal(rootPid, 'SIGCONT');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // exited meanwhile: nothing to do
  }
}

/**
 * Bytes received on established TCP connections to local `port` that the listening process has
 * not read yet (the rx queue in /proc/net/tcp). Above 0 while a service is frozen, it proves that a
 * client's request reached it and waits — without sleeping and hoping.
 */
export function unreadBytesOnPort(port: number): number {
  let total = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, , state, queues] = [fields[1], fields[2], fields[3], fields[4]];
      if (!local || state !== '01' || !queues) continue; // 01 = ESTABLISHED
      if (parseInt(local.split(':')[1] ?? '', 16) !== port) continue;
      total += parseInt(queues.split(':')[1] ?? '0', 16);
    }
  }
  return total;
}

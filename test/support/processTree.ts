// Ending everything a test started: a process group, every descendant (terminal shells get a
// session of their own, so the group alone misses them), and a last-resort cleanup that runs when
// the runner exits for any reason, signals included.

import * as fs from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
}

function readStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(f[1]), pgid: Number(f[2]) });
    } catch {
      // exited while we read
    }
  }
  return out;
}

/** The processes in group `pgid` plus all their descendants, whatever group they moved to. */
export function groupAndDescendants(pgid: number): number[] {
  const stats = readStats();
  const found = new Set(stats.filter((s) => s.pgid === pgid || s.pid === pgid).map((s) => s.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats) {
      if (!found.has(s.pid) && found.has(s.ppid)) {
        found.add(s.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** Processes whose command line contains `needle` (e.g. a browser's unique profile folder). */
export function pidsWithArg(needle: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) {
      continue;
    }
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) {
        out.push(Number(name));
      }
    } catch {
      // exited while we read
    }
  }
  return out;
}

export function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0) until its parent reaps it; it holds nothing.
  try {
    return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the group and its descendants, then SIGKILL to whatever is left after `graceMs`.
 * The tree is read before signalling, while parents still link their children.
 */
export async function killTree(pgid: number, graceMs = 3000): Promise<void> {
  const pids = groupAndDescendants(pgid);
  signal(pids, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!pids.some(alive) && !groupAndDescendants(pgid).some(alive)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  killTreeNow(pgid, pids);
}

/** Synchronous SIGKILL, for exit handlers. */
export function killTreeNow(pgid: number, known: number[] = []): void {
  signal([...new Set([...known, ...groupAndDescendants(pgid)])], 'SIGKILL');
}

const exitHooks = new Set<() => void>();
let installed = false;

/**
 * Registers a synchronous cleanup that runs if the process ends before it is removed: normal
 * exit, uncaught error, or SIGINT/SIGTERM/SIGHUP. Returns the function that removes it.
 */
export function onExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runExitHooks);
    for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
      process.on(sig, () => {
        runExitHooks();
        process.exit(128 + num);
      });
    }
  }
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

function runExitHooks(): void {
  for (const fn of [...exitHooks]) {
    exitHooks.delete(fn);
    try {
      fn();
    } catch {
      // keep cleaning the rest
    }
  }
}

// The network namespaces processes are in, from /proc/PID/ns/net: one process per namespace inode,
// for the readers to open a namespace that has no name.

import * as fs from 'node:fs';
import { parseNsLink } from './pure/passwd';

/** inode -> the first process found in that network namespace. */
export function processNetnsInodes(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    let inode: number | undefined;
    try {
      inode = parseNsLink(fs.readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      continue; // exited, or a kernel thread
    }
    if (inode !== undefined && !out.has(inode)) {
      out.set(inode, Number(pid));
    }
  }
  return out;
}

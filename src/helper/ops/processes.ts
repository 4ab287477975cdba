// Which processes live in which network namespace: every /proc/PID/ns/net, grouped by inode, named
// through /run/netns where a name exists. Like listns.py, but also for unnamed namespaces. For an
// ordinary user, only what /proc shows them (see processView.ts).

import * as fs from 'node:fs';
import { netnsId, type ProcessInfo, type ProcessNamespace } from '../../core/model';
import { parseNsLink, parsePasswd } from '../pure/passwd';
import type { Result } from '../../core/protocol';
import type { HelperContext } from '../context';
import { listNetnsNames, netnsInode } from '../netnsDir';
import { processView } from '../processView';

function readUsers(): Map<number, string> {
  try {
    return parsePasswd(fs.readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return new Map();
  }
}

/** The command name, as ps shows kernel threads: "[name]". */
function nameOf(pid: string): string {
  try {
    return `[${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
  } catch {
    return '?';
  }
}

function commandOf(pid: string): string {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const args = cmdline.split('\0').filter((a) => a !== '');
    if (args.length > 0) {
      return args.join(' ').slice(0, 200);
    }
  } catch {
    // gone
  }
  return nameOf(pid);
}

export async function processes(ctx: HelperContext): Promise<Result<'processes'>> {
  const users = readUsers();
  const caller = ctx.caller.uid;
  const view = processView(caller);
  const groups = new Map<number, ProcessNamespace>();
  for (const name of listNetnsNames()) {
    const inode = netnsInode(name);
    if (inode !== undefined && !groups.has(inode)) {
      groups.set(inode, { inode, id: netnsId(inode), name, processes: [] });
    }
  }
  if (!groups.has(ctx.rootInode)) {
    groups.set(ctx.rootInode, { inode: ctx.rootInode, id: netnsId(ctx.rootInode), name: null, processes: [] });
  } else {
    groups.get(ctx.rootInode)!.name = null;
  }
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    let inode: number | undefined;
    let uid: number;
    try {
      inode = parseNsLink(fs.readlinkSync(`/proc/${pid}/ns/net`));
      uid = fs.statSync(`/proc/${pid}`).uid;
    } catch {
      continue; // exited, or a kernel thread without a namespace link
    }
    if (inode === undefined || (view === 'own' && uid !== caller)) {
      continue;
    }
    let group = groups.get(inode);
    if (!group) {
      groups.set(inode, (group = { inode, id: netnsId(inode), processes: [] }));
    }
    const info: ProcessInfo = { pid: Number(pid), command: view === 'all' || uid === caller ? commandOf(pid) : nameOf(pid), user: users.get(uid) ?? String(uid), uid };
    group.processes.push(info);
  }
  for (const g of groups.values()) {
    g.processes.sort((a, b) => a.pid - b.pid);
  }
  return { namespaces: [...groups.values()] };
}

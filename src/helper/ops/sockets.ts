// The TCP and UDP sockets of a namespace, as `ss -tuap` lists them: dumped over NETLINK_SOCK_DIAG
// from a socket opened inside the namespace (no ss process, no text to parse), then each socket's
// owners found by its inode among the descriptors (/proc/PID/fd -> "socket:[INODE]") of the
// processes in that namespace. Bounded: at most INSPECT_LIMITS.sockets sockets, that many
// processes and descriptors per process, and a deadline for the owner search. For an ordinary
// user, owners only as /proc shows them (processView.ts): others' by command name, without
// descriptor numbers, and none at all under hidepid.

import * as fs from 'node:fs';
import { INSPECT_LIMITS, type SocketEntry, type SocketOwner, type SocketsResult } from '../../core/inspect/types';
import { part } from '../../core/messages';
import type { Request } from '../../core/operations';
import { ProtocolError } from '../../core/protocol';
import type { HelperContext } from '../context';
import { nsfsDevice } from '../netnsDir';
import { processView } from '../processView';
import { procEntries } from './processes';
import { parsePasswd } from '../pure/passwd';
import { inetDiagRequest, IPPROTO_TCP, IPPROTO_UDP, NETLINK_SOCK_DIAG, parseInetDiagMsg, SOCK_DIAG_BY_FAMILY, socketInode, stateName, type RawInetSocket } from '../pure/sockDiag';
import { SysError } from '../reader/libc';
import { NetlinkSocket } from '../reader/netlinkSocket';
import { netlinkSocketIn, openNetns } from './inspectNetns';

/** errnos that mean "this kind of socket does not exist here" (no udp_diag module, IPv6 off). */
const ABSENT = new Set([2 /* ENOENT */, 22 /* EINVAL */, 93 /* EPROTONOSUPPORT */, 95 /* EOPNOTSUPP */, 97 /* EAFNOSUPPORT */]);

export async function readSockets(ctx: HelperContext, p: Request<'readSockets'>, limits = INSPECT_LIMITS): Promise<SocketsResult> {
  const ns = openNetns(p.netns);
  const raw: { protocol: 'tcp' | 'udp'; s: RawInetSocket }[] = [];
  let truncated = false;
  try {
    const { libc, fd } = netlinkSocketIn(ns, NETLINK_SOCK_DIAG);
    const sock = new NetlinkSocket(libc, fd);
    try {
      for (const protocol of ['tcp', 'udp'] as const) {
        for (const family of [4, 6] as const) {
          const mark = raw.length;
          try {
            sock.dump(
              inetDiagRequest(family, protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP),
              (buf, m) => {
                if (m.type !== SOCK_DIAG_BY_FAMILY) {
                  return;
                }
                if (raw.length >= limits.sockets) {
                  truncated = true;
                  return;
                }
                raw.push({ protocol, s: parseInetDiagMsg(buf, m) });
              },
              () => (raw.length = mark),
            );
          } catch (e) {
            if (e instanceof SysError && ABSENT.has(e.errno)) {
              ctx.log(`readSockets: no ${protocol}/IPv${family} sockets to list here (${e.message})`);
              continue;
            }
            throw e;
          }
        }
      }
    } finally {
      sock.close();
    }
  } catch (e) {
    if (e instanceof ProtocolError) {
      throw e;
    }
    throw new ProtocolError('EIO', part('The sockets could not be read (sock_diag): {0}', (e as Error).message));
  } finally {
    ns.close();
  }
  const owners = findOwners(ctx, ns.inode, new Set(raw.map((r) => r.s.inode).filter((i) => i !== 0)), limits);
  const sockets: SocketEntry[] = raw.map(({ protocol, s }) => ({
    protocol,
    family: s.family,
    state: stateName(s.state, protocol),
    local: s.local,
    localPort: s.localPort,
    remote: s.remote,
    remotePort: s.remotePort,
    boundIfindex: s.boundIfindex,
    uid: s.uid,
    inode: s.inode,
    recvQ: s.recvQ,
    sendQ: s.sendQ,
    owners: (s.inode !== 0 && owners.byInode.get(s.inode)) || [],
  }));
  return { sockets, truncated, processes: owners.processes, processesTruncated: owners.truncated };
}


function readUsers(): Map<number, string> {
  try {
    return parsePasswd(fs.readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return new Map();
  }
}

/** The processes in the namespace `inode` that hold the sockets `wanted`, by socket inode. */
function findOwners(
  ctx: HelperContext,
  inode: number,
  wanted: Set<number>,
  limits: typeof INSPECT_LIMITS,
): { byInode: Map<number, SocketOwner[]>; processes: number; truncated: boolean } {
  const byInode = new Map<number, SocketOwner[]>();
  if (wanted.size === 0) {
    return { byInode, processes: 0, truncated: false };
  }
  const view = processView(ctx.caller.uid);
  const users = readUsers();
  const dev = nsfsDevice();
  const deadline = Date.now() + limits.ownerSearchMs;
  let processes = 0;
  let truncated = false;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return { byInode, processes, truncated };
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) {
      continue;
    }
    let uid: number;
    try {
      const st = fs.statSync(`/proc/${pid}/ns/net`);
      if (st.ino !== inode || st.dev !== dev) {
        continue;
      }
      uid = fs.statSync(`/proc/${pid}`).uid;
    } catch {
      continue; // exited, or a kernel thread
    }
    const own = uid === ctx.caller.uid;
    if (view === 'own' && !own) {
      continue;
    }
    if (processes >= limits.processes || Date.now() > deadline) {
      truncated = true;
      break;
    }
    processes++;
    let command: string | undefined;
    for (const fd of procEntries(`/proc/${pid}/fd`, limits.fdsPerProcess)) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const sockInode = socketInode(link);
      if (sockInode === undefined || !wanted.has(sockInode)) {
        continue;
      }
      command ??= commandName(pid);
      const owner: SocketOwner = { pid: Number(pid), command, user: users.get(uid) ?? String(uid) };
      if (view === 'all' || own) {
        owner.fd = Number(fd);
      }
      const list = byInode.get(sockInode) ?? [];
      // Forked children share a socket: each process once, by its lowest descriptor.
      if (!list.some((o) => o.pid === owner.pid)) {
        list.push(owner);
      }
      byInode.set(sockInode, list);
    }
  }
  for (const list of byInode.values()) {
    list.sort((a, b) => a.pid - b.pid);
  }
  return { byInode, processes, truncated };
}

function commandName(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

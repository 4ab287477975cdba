// Which network namespaces exist and what holds each (a named one only where something besides
// its name does): every /proc/PID/ns/net (the processes inside), the nsfs bind mounts of each
// mount namespace (read once per mount namespace, not per process), the descriptors processes
// keep open on a namespace, and threads in another namespace than their process. Each namespace
// is identified by the nsfs device and inode, named through /run/netns where a name exists, and
// given the container it belongs to (from the cgroup of a process inside) where it is one. For an
// ordinary user, only what /proc shows them (see processView.ts and docs/policy.md).

import * as fs from 'node:fs';
import { netnsId, type ContainerInfo, type NamespaceHolder, type ProcessInfo, type ProcessNamespace } from '../../core/model';
import { parsePasswd } from '../pure/passwd';
import type { Result } from '../../core/protocol';
import type { HelperContext } from '../context';
import { ContainerNames } from '../containers';
import { NETNS_RUN_DIR, netnsPath, nsfsDevice } from '../netnsDir';
import { validateNamespaceName } from '../../core/validate';
import { parseCgroupContainer, parseNsfsMounts, type CgroupContainer, type NsfsMount } from '../pure/nsfs';
import { MountTables } from '../mountTables';
import { processView } from '../processView';

/** Descriptors and threads looked at per process, mount namespaces read, holders kept per namespace. */
export const LIMITS = { fdsPerProcess: 1024, threadsPerProcess: 1024, mountNamespaces: 512, holdersPerNamespace: 32 };
/** Processes of a namespace whose cgroup is read to find its container. */
const CGROUP_PROBES = 8;
/** How long an answer waits for container names still being looked up. */
const CONTAINER_DEADLINE_MS = 2000;

let containerNames: ContainerNames | undefined;

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

const keyOf = (dev: number, inode: number) => `${dev}:${inode}`;
const NETNS_PREFIX = `${NETNS_RUN_DIR}/`;

function statNs(file: string): { dev: number; ino: number } | undefined {
  try {
    const st = fs.statSync(file);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

/**
 * Up to `max` names of a /proc folder. A folder whose size says it holds more (the kernel gives
 * /proc/PID/fd the number of open descriptors as its size, and /proc/PID/task a link per thread)
 * (or whose size is not given) is read as it comes, so a process with a million descriptors costs
 * `max`; the others in one call.
 */
export function procEntries(dir: string, max: number, count = Infinity): string[] {
  let d: fs.Dir | undefined;
  try {
    if (count <= max) {
      return fs.readdirSync(dir).slice(0, max);
    }
    const out: string[] = [];
    d = fs.opendirSync(dir);
    for (let e = d.readSync(); e !== null && out.length < max; e = d.readSync()) {
      out.push(e.name);
    }
    return out;
  } catch {
    return []; // gone, or not ours to read
  } finally {
    d?.closeSync();
  }
}

function readlink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

/** The mount tables, kept open to be read again only when they change; null when that cannot be done here. */
let tables: MountTables | null | undefined;

/** The nsfs mounts of mount namespace `key` (a /proc/PID/ns/mnt link), read through process `pid`. */
function readNsfsMounts(key: string, pid: string): NsfsMount[] {
  tables ??= MountTables.open() ?? null;
  if (tables) {
    return tables.get(key, pid);
  }
  try {
    return parseNsfsMounts(fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
  } catch {
    return []; // gone
  }
}

interface Scan {
  /** The namespaces a process keeps open (by "dev:inode") and the descriptors of each. */
  fds: Map<string, number[]>;
  /** Its threads in another namespace than its own. */
  threads: { key: string; tid: number }[];
  /** What the scan was made for: it is used again while these stay and it is recent. */
  netIno: number;
  fdCount: number;
  threadCount: number;
  at: number;
}

/**
 * The last scan of each process's descriptors and threads. Reading every descriptor of every
 * process is most of the work of a process list, and the list is read again on every burst of
 * process events: a process whose namespace, number of descriptors and number of threads are as
 * they were is not read again for SCAN_REUSE_MS.
 */
const scanned = new Map<string, Scan>();
const SCAN_REUSE_MS = 1000;

/** The descriptors and threads of a process that hold another namespace than its own. */
function scanHolders(pid: string, net: { dev: number; ino: number }, fdCount: number): Scan | undefined {
  const taskDir = `/proc/${pid}/task`;
  let threadCount: number;
  try {
    // The task folder's links: ".", ".." and one per thread.
    threadCount = fs.statSync(taskDir).nlink - 2;
  } catch {
    return undefined;
  }
  const now = Date.now();
  const last = scanned.get(pid);
  if (last && last.netIno === net.ino && last.fdCount === fdCount && last.threadCount === threadCount && now - last.at < SCAN_REUSE_MS) {
    return last;
  }
  const nsDev = nsfsDevice();
  const ownLink = netnsId(net.ino);
  const fds = new Map<string, number[]>();
  for (const fd of procEntries(`/proc/${pid}/fd`, LIMITS.fdsPerProcess, fdCount)) {
    const target = readlink(`/proc/${pid}/fd/${fd}`);
    // A namespace file opened through /proc/PID/ns reads net:[INODE]; one opened through a bind
    // mount reads as that mount's path (the mount holds it too), or "/" once the mount is
    // detached (umount -l): only those are looked at more closely.
    if (target === undefined || (!target.startsWith('net:[') && target !== '/') || target === ownLink) {
      continue;
    }
    const st = statNs(`/proc/${pid}/fd/${fd}`);
    if (st && st.dev === nsDev && st.ino !== net.ino) {
      const key = keyOf(st.dev, st.ino);
      fds.set(key, [...(fds.get(key) ?? []), Number(fd)]);
    }
  }
  const threads: Scan['threads'] = [];
  for (const tid of threadCount > 1 ? procEntries(taskDir, LIMITS.threadsPerProcess, threadCount) : []) {
    const target = tid === pid ? undefined : readlink(`${taskDir}/${tid}/ns/net`);
    if (target === undefined || target === ownLink) {
      continue;
    }
    const st = statNs(`${taskDir}/${tid}/ns/net`);
    if (st) {
      threads.push({ key: keyOf(st.dev, st.ino), tid: Number(tid) });
    }
  }
  const scan: Scan = { fds, threads, netIno: net.ino, fdCount, threadCount, at: now };
  scanned.set(pid, scan);
  return scan;
}

let lastNames: { mounts: NsfsMount[]; names: Map<string, string>; nameMounts: Set<NsfsMount> } | undefined;

/**
 * The names in /run/netns by "dev:inode", and the mounts that are those names' own (not holders),
 * from the helper's mount table; worked out again only when the table was read again.
 */
function namesOf(mounts: NsfsMount[], nsDev: number): { names: Map<string, string>; nameMounts: Set<NsfsMount> } {
  if (lastNames?.mounts === mounts) {
    return lastNames;
  }
  const names = new Map<string, string>();
  const nameMounts = new Set<NsfsMount>();
  for (const m of mounts) {
    const name = m.path.startsWith(NETNS_PREFIX) ? m.path.slice(NETNS_PREFIX.length) : undefined;
    if (name !== undefined && m.dev === nsDev && validateNamespaceName(name) === undefined) {
      nameMounts.add(m);
      const key = keyOf(m.dev, m.inode);
      // Two names for one namespace: the first in order, as a sorted listing would give.
      if (!names.has(key) || name < names.get(key)!) {
        names.set(key, name);
      }
    }
  }
  lastNames = { mounts, names, nameMounts };
  return lastNames;
}

export async function processes(ctx: HelperContext): Promise<Result<'processes'>> {
  const users = readUsers();
  const caller = ctx.caller.uid;
  const view = processView(caller);
  const nsDev = nsfsDevice();
  // The helper's own mount table names what /run/netns holds, without a readdir or a stat per
  // name. Names are given to the namespaces found below, so the list does not grow with them.
  const hostMnt = readlink('/proc/self/ns/mnt') ?? '';
  const hostMounts = readNsfsMounts(hostMnt, 'self');
  const { names, nameMounts } = namesOf(hostMounts, nsDev);
  const groups = new Map<string, ProcessNamespace>();
  const group = (dev: number, inode: number): ProcessNamespace => {
    const key = keyOf(dev, inode);
    let g = groups.get(key);
    if (!g) {
      groups.set(key, (g = { inode, dev, id: netnsId(inode), processes: [] }));
      const name = names.get(key);
      if (name !== undefined) {
        g.name = name;
      }
    }
    return g;
  };
  const holders = new Map<ProcessNamespace, NamespaceHolder[]>();
  const hold = (g: ProcessNamespace, h: NamespaceHolder): void => {
    const list = holders.get(g) ?? [];
    holders.set(g, list);
    if (list.length < LIMITS.holdersPerNamespace) {
      list.push(h);
    }
  };

  const self = statNs('/proc/self/ns/net');
  const rootKey = keyOf(self?.dev ?? nsDev, ctx.rootInode);
  group(self?.dev ?? nsDev, ctx.rootInode).name = null;
  const isRoot = (dev: number, inode: number) => keyOf(dev, inode) === rootKey;

  /** One process per mount namespace (the caller's own where there is one), to read its mountinfo. */
  const mountNs = new Map<string, { pid: string; own: boolean }>([[hostMnt, { pid: 'self', own: true }]]);

  const seenPids = new Set<string>();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    seenPids.add(pid);
    let net: { dev: number; ino: number } | undefined;
    let fdDir: fs.Stats;
    try {
      net = statNs(`/proc/${pid}/ns/net`);
      // Owned like /proc/PID (by the process's user), and sized by its number of descriptors.
      fdDir = fs.statSync(`/proc/${pid}/fd`);
    } catch {
      continue; // exited
    }
    const uid = fdDir.uid;
    const own = uid === caller;
    if (net === undefined || (view === 'own' && !own)) {
      continue; // exited, or not the caller's to see
    }
    const full = view === 'all' || own;
    let label: { command: string; user: string } | undefined;
    const labelOf = () => (label ??= { command: full ? commandOf(pid) : nameOf(pid), user: users.get(uid) ?? String(uid) });
    const info: ProcessInfo = { pid: Number(pid), ...labelOf(), uid };
    group(net.dev, net.ino).processes.push(info);

    const key = readlink(`/proc/${pid}/ns/mnt`);
    if (key) {
      const had = mountNs.get(key);
      if ((!had && mountNs.size < LIMITS.mountNamespaces) || (had && !had.own && own)) {
        mountNs.set(key, { pid, own });
      }
    }
    if (Number(pid) === process.pid) {
      continue; // the helper's own descriptors are the requests it is serving
    }
    const found = scanHolders(pid, net, fdDir.size);
    if (!found) {
      continue; // exited
    }
    for (const [key, fds] of found.fds) {
      const [dev, ino] = key.split(':').map(Number);
      if (!isRoot(dev, ino)) {
        hold(group(dev, ino), { kind: 'fd', pid: Number(pid), ...labelOf(), ...(full ? { fds } : {}) });
      }
    }
    for (const { key, tid } of found.threads) {
      const [dev, ino] = key.split(':').map(Number);
      if (!isRoot(dev, ino)) {
        hold(group(dev, ino), { kind: 'thread', pid: Number(pid), tid, ...labelOf() });
      }
    }
  }
  for (const pid of scanned.keys()) {
    if (!seenPids.has(pid)) {
      scanned.delete(pid);
    }
  }

  // Bind mounts: each mount namespace's table once, the helper's own first, so that a mount
  // propagated into other mount namespaces is listed once, by the path the host sees.
  const mountPaths = new Map<ProcessNamespace, Set<string>>();
  for (const [key, { pid }] of mountNs) {
    for (const m of key === hostMnt ? hostMounts : readNsfsMounts(key, pid)) {
      if (isRoot(m.dev, m.inode) || nameMounts.has(m)) {
        continue;
      }
      const g = group(m.dev, m.inode);
      const seen = mountPaths.get(g) ?? new Set<string>();
      mountPaths.set(g, seen);
      if (seen.has(m.path) || (typeof g.name === 'string' && m.path === netnsPath(g.name))) {
        continue;
      }
      seen.add(m.path);
      hold(g, key === hostMnt ? { kind: 'mount', path: m.path } : { kind: 'mount', path: m.path, pid: Number(pid) });
    }
  }

  tables?.prune(new Set(mountNs.keys()));

  // Containers: from the cgroup of the (visible) processes inside a namespace other than the host's.
  const found: { g: ProcessNamespace; c: CgroupContainer }[] = [];
  for (const [key, g] of groups) {
    if (key === rootKey) {
      continue;
    }
    for (const p of g.processes.slice(0, CGROUP_PROBES)) {
      let c: CgroupContainer | undefined;
      try {
        c = parseCgroupContainer(fs.readFileSync(`/proc/${p.pid}/cgroup`, 'utf8'));
      } catch {
        continue;
      }
      if (c) {
        found.push({ g, c });
        break;
      }
    }
  }
  if (found.length > 0) {
    containerNames ??= new ContainerNames(undefined, undefined, ctx.log);
    const infos: ContainerInfo[] = await containerNames.describe(
      found.map((f) => f.c),
      CONTAINER_DEADLINE_MS,
    );
    found.forEach((f, i) => (f.g.container = infos[i]));
  }

  const order = { mount: 0, fd: 1, thread: 2 } as const;
  for (const g of groups.values()) {
    g.processes.sort((a, b) => a.pid - b.pid);
    const list = holders.get(g);
    if (list && list.length > 0) {
      g.holders = list.sort(
        (a, b) =>
          order[a.kind] - order[b.kind] ||
          (a.kind === 'mount' && b.kind === 'mount' ? a.path.localeCompare(b.path) : 0) ||
          ('pid' in a && 'pid' in b ? (a.pid ?? 0) - (b.pid ?? 0) : 0) ||
          (a.kind === 'thread' && b.kind === 'thread' ? a.tid - b.tid : 0),
      );
    }
  }
  // A named namespace that nothing else holds is left out (the client reads that as "no
  // processes"): the list grows with what runs, not with the number of names.
  const held = [...groups.values()].filter((g) => typeof g.name !== 'string' || g.processes.length > 0 || g.holders !== undefined || g.container !== undefined);
  return { namespaces: held };
}

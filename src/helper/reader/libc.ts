// The few libc calls Node cannot make itself (setns, AF_NETLINK sockets, epoll, eventfd), bound
// through koffi. Loading throws a clear Error when koffi or libc is unavailable, so the helper can
// fall back to the `ip` reader.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { nsfsDevice } from '../netnsDir';
import { NLMSG_HDRLEN, RTM_NEWNSID } from '../pure/rtnetlink';

export const CLONE_NEWNET = 0x40000000;
export const AF_NETLINK = 16;
export const NETLINK_ROUTE = 0;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const MSG_DONTWAIT = 0x40;
export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const SO_RCVBUFFORCE = 33;
/** getsockopt: the 64-bit cookie of the socket's network namespace (Linux 5.14+), never reused. */
export const SO_NETNS_COOKIE = 71;
export const MSG_TRUNC = 0x20;
export const O_RDONLY = 0;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
/** fcntl: duplicate onto the lowest free fd at or above the argument, close-on-exec. */
const F_DUPFD_CLOEXEC = 1030;
export const SOL_NETLINK = 270;
export const NETLINK_LISTEN_ALL_NSID = 8;
/** setsockopt: dump requests are checked strictly and may filter (Linux 4.20+). */
export const NETLINK_GET_STRICT_CHK = 12;
export const EPOLL_CLOEXEC = 0o2000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const EPOLL_CTL_MOD = 3;
export const EPOLLONESHOT = 1 << 30;
export const EPOLLIN = 0x1;
export const EFD_CLOEXEC = 0o2000000;
export const EFD_NONBLOCK = 0o4000;

export const EPERM = 1;
export const EINTR = 4;
export const EAGAIN = 11;
export const EEXIST = 17;
export const ENOBUFS = 105;

/** struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
/**
 * 64-bit little-endian Linux (x86-64, arm64, riscv64, loong64): the layouts of struct stat,
 * mmsghdr, iovec and cmsghdr this folder writes by hand.
 */
export const LP64LE = os.endianness() === 'LE' && ['x64', 'arm64', 'riscv64', 'loong64'].includes(process.arch);
/** struct mmsghdr (a msghdr, then the length received) and struct iovec there. */
export const MMSG_SIZE = 64;
export const MMSG_IOV = 16;
export const MMSG_IOVLEN = 24;
export const MMSG_CONTROL = 32;
export const MMSG_CONTROLLEN = 40;
export const MMSG_FLAGS = 48;
export const MMSG_LEN = 56;
export const IOV_SIZE = 16;

export const EPOLL_EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
export const EPOLL_DATA_OFFSET = process.arch === 'x64' ? 4 : 8;

type Fn<A extends unknown[], R> = ((...args: A) => R) & {
  async: (...args: [...A, (err: unknown, result: R) => void]) => void;
};

export interface Libc {
  setns: Fn<[fd: number, nstype: number], number>;
  unshare: Fn<[flags: number], number>;
  socket: Fn<[domain: number, type: number, protocol: number], number>;
  bind: Fn<[fd: number, addr: Buffer, len: number], number>;
  send: Fn<[fd: number, buf: Buffer, len: number, flags: number], number>;
  recv: Fn<[fd: number, buf: Buffer, len: number, flags: number], number>;
  /** recvmmsg with msgvec an array of struct mmsghdr and no timeout. */
  recvmmsg: Fn<[fd: number, msgvec: Buffer, vlen: number, flags: number, timeout: null], number>;
  getsockopt: Fn<[fd: number, level: number, name: number, val: Buffer, len: Buffer], number>;
  close: Fn<[fd: number], number>;
  setsockopt: Fn<[fd: number, level: number, name: number, val: Buffer, len: number], number>;
  epoll_create1: Fn<[flags: number], number>;
  epoll_ctl: Fn<[epfd: number, op: number, fd: number, event: Buffer | null], number>;
  epoll_wait: Fn<[epfd: number, events: Buffer, maxevents: number, timeout: number], number>;
  eventfd: Fn<[initval: number, flags: number], number>;
  read: Fn<[fd: number, buf: Buffer, len: number], number>;
  write: Fn<[fd: number, buf: Buffer, len: number], number>;
  /** ioctl without an argument (such as NS_GET_USERNS). */
  ioctl: Fn<[fd: number, request: number], number>;
  errno(): number;
  strerror(errno: number): string;
  /**
   * fstat, where libc exports it (glibc 2.33+) and struct stat starts with a 64-bit st_dev and
   * st_ino (64-bit Linux): cheaper than fs.fstatSync, which builds a Stats object.
   */
  fstat?: Fn<[fd: number, buf: Buffer], number>;
  /** fstatat, where fstat is bound (same libc, same struct stat): a name's inode without opening it. */
  fstatat?: Fn<[dirfd: number, path: string, buf: Buffer, flags: number], number>;
  /** getrlimit/setrlimit with struct rlimit (two 64-bit values: soft, hard). */
  getrlimit: Fn<[resource: number, rlim: Buffer], number>;
  setrlimit: Fn<[resource: number, rlim: Buffer], number>;
  /** fcntl(F_DUPFD_CLOEXEC): a duplicate of fd numbered `min` or above (never one in use). */
  dupAtLeast: Fn<[fd: number, min: number], number>;
  /** open and openat without a mode (files are only opened for reading here). */
  open: Fn<[path: string, flags: number], number>;
  openat: Fn<[dirfd: number, path: string, flags: number], number>;
  /** The native address of a Buffer's bytes (they do not move while the Buffer lives). */
  address(buf: Buffer): bigint;
}

/** A failed system call, with errno. */
export class SysError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
    message: string,
  ) {
    super(`${call}: ${message}`);
  }
}

let cached: Libc | undefined;

export function loadLibc(): Libc {
  if (cached) {
    return cached;
  }
  if (process.platform !== 'linux') {
    throw new Error('the netlink reader needs Linux');
  }
  let koffi: typeof import('koffi');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    koffi = require('koffi') as typeof import('koffi');
  } catch (e) {
    throw new Error(`koffi could not be loaded: ${(e as Error).message}`, { cause: e });
  }
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load('libc.so.6');
  } catch (e) {
    throw new Error(`libc.so.6 could not be loaded: ${(e as Error).message}`, { cause: e });
  }
  const f = (proto: string) => lib.func(proto) as unknown;
  const strerror = lib.func('const char *strerror(int errnum)') as unknown as (n: number) => string;
  const fcntl = lib.func('int fcntl(int fd, int cmd, ...)') as unknown as (fd: number, cmd: number, type: 'int', arg: number) => number;
  const libc = {
    setns: f('int setns(int fd, int nstype)'),
    unshare: f('int unshare(int flags)'),
    socket: f('int socket(int domain, int type, int protocol)'),
    bind: f('int bind(int fd, const void *addr, uint32_t len)'),
    send: f('intptr_t send(int fd, const void *buf, size_t len, int flags)'),
    recv: f('intptr_t recv(int fd, void *buf, size_t len, int flags)'),
    recvmmsg: f('int recvmmsg(int fd, void *msgvec, unsigned int vlen, int flags, void *timeout)'),
    getsockopt: f('int getsockopt(int fd, int level, int name, void *val, void *len)'),
    close: f('int close(int fd)'),
    open: f('int open(const char *path, int flags)'),
    openat: f('int openat(int dirfd, const char *path, int flags)'),
    setsockopt: f('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)'),
    epoll_create1: f('int epoll_create1(int flags)'),
    epoll_ctl: f('int epoll_ctl(int epfd, int op, int fd, void *event)'),
    epoll_wait: f('int epoll_wait(int epfd, void *events, int maxevents, int timeout)'),
    eventfd: f('int eventfd(unsigned int initval, int flags)'),
    read: f('intptr_t read(int fd, void *buf, size_t len)'),
    write: f('intptr_t write(int fd, const void *buf, size_t len)'),
    ioctl: f('int ioctl(int fd, unsigned long request)'),
    getrlimit: f('int getrlimit(int resource, void *rlim)'),
    setrlimit: f('int setrlimit(int resource, const void *rlim)'),
    dupAtLeast: (fd: number, min: number) => fcntl(fd, F_DUPFD_CLOEXEC, 'int', min),
    errno: () => koffi.errno(),
    address: (buf: Buffer) => koffi.address(buf),
    strerror: (n: number) => strerror(n) ?? `errno ${n}`,
  } as Libc;
  if (LP64LE) {
    try {
      libc.fstat = f('int fstat(int fd, void *st)') as Libc['fstat'];
      libc.fstatat = f('int fstatat(int dirfd, const char *path, void *st, int flags)') as Libc['fstatat'];
    } catch {
      // an older libc (fstat only as __fxstat): fs.fstatSync it is
    }
  }
  cached = libc;
  return libc;
}

const RLIMIT_NOFILE = 7;

/**
 * Raises the open-file limit as far as the kernel lets this process (root: to fs.nr_open, about a
 * million): a read holds many namespaces open at once, and a watcher that cannot share the
 * reader's change hub holds a socket in each.
 */
export function raiseOpenFileLimit(libc: Libc): void {
  const rlim = Buffer.alloc(16);
  if (libc.getrlimit(RLIMIT_NOFILE, rlim) !== 0) {
    return;
  }
  let max: bigint;
  try {
    max = BigInt(fs.readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
  } catch {
    return;
  }
  const hard = rlim.readBigUInt64LE(8);
  const want = max > hard ? max : hard;
  rlim.writeBigUInt64LE(want, 0);
  rlim.writeBigUInt64LE(want, 8);
  if (libc.setrlimit(RLIMIT_NOFILE, rlim) !== 0) {
    // not root: the soft limit up to the hard one
    rlim.writeBigUInt64LE(hard, 0);
    rlim.writeBigUInt64LE(hard, 8);
    libc.setrlimit(RLIMIT_NOFILE, rlim);
  }
}

/**
 * Grows the process's fd table to hold fds up to `count` in one step, using fd to make one
 * duplicate that far up (closed at once). The kernel doubles the table as fds are opened, and in a
 * process with threads (Node has several) each doubling waits for an RCU grace period: 15 to 20 ms
 * on a 2-core machine, four times on the way to 2000 fds. False when it could not (the limit).
 */
export function growFdTable(libc: Libc, fd: number, count: number): boolean {
  const dup = libc.dupAtLeast(fd, count);
  if (dup < 0) {
    return false;
  }
  libc.close(dup);
  return true;
}

/** Puts fd in an epoll set (or, with op, changes it there), its readiness carrying `token`; epoll_ctl's result. */
export function epollSet(libc: Libc, epfd: number, fd: number, events: number, token: number, op = EPOLL_CTL_ADD): number {
  const ev = Buffer.alloc(EPOLL_EVENT_SIZE);
  ev.writeUInt32LE(events, 0);
  ev.writeUInt32LE(token, EPOLL_DATA_OFFSET);
  return libc.epoll_ctl(epfd, op, fd, ev);
}

/**
 * Reads and drops what a socket holds, without waiting; an overflow (ENOBUFS: notices were lost)
 * counts as something. True when anything was there, except notices of a new nsid when
 * `nsidIsNews` is false: a namespace's first dump gives an nsid to each namespace its veths lead
 * to (the kernel's peernet2id_alloc) and tells the namespace's own socket, so without that every
 * namespace would look changed after its first read. Its links, addresses and routes are as the
 * dump found them, and an nsid given stays while both namespaces live (a dropped one, DELNSID, is
 * news). Bounded, so a socket filled faster than it is read cannot hold the thread. `buf` needs
 * room for a message header only: the rest of a longer message is dropped by recv.
 */
export function emptySocket(libc: Libc, fd: number, buf: Buffer, nsidIsNews = true): boolean {
  let any = false;
  for (let i = 0; i < 10_000; i++) {
    const n = libc.recv(fd, buf, buf.length, MSG_DONTWAIT);
    if (n < 0) {
      const errno = libc.errno();
      if (errno === EINTR) {
        continue;
      }
      if (errno !== ENOBUFS) {
        return any; // EAGAIN: empty
      }
      any = true;
      continue;
    }
    // A notice is one message per datagram: its type is in the header's first 6 bytes.
    any ||= nsidIsNews || n < NLMSG_HDRLEN || buf.readUInt16LE(4) !== RTM_NEWNSID;
  }
  return any;
}

/** A struct sockaddr_nl joining these multicast groups, the port left for the kernel to choose. */
export function netlinkAddr(groups: number): Buffer {
  const addr = Buffer.alloc(12);
  addr.writeUInt16LE(AF_NETLINK, 0);
  addr.writeUInt32LE(groups >>> 0, 8);
  return addr;
}

/** Throws a SysError for a call that returned a negative value. */
export function check(libc: Libc, call: string, r: number): number {
  if (r < 0) {
    const errno = libc.errno();
    throw new SysError(call, errno, libc.strerror(errno));
  }
  return r;
}

/** struct stat (144 bytes on x86-64, 128 on arm64), for Libc.fstat. */
const statBuf = Buffer.alloc(256);

/**
 * Opens a namespace file such as /run/netns/NAME. Undefined when it does not exist or is not a
 * namespace (a plain file, a name not mounted yet or any more); with `inode`, also when it is now
 * a different namespace than the one seen before.
 */
export function openNetnsFile(path: string, inode?: number): { fd: number; inode: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  return checkNetnsFd(fd, inode);
}

/**
 * openNetnsFile for the entry `name` of an open directory (/run/netns), with openat: no path to
 * walk from the root and no Node wrapping, for a reader that opens a thousand in a row.
 */
export function openNetnsAt(libc: Libc, dirFd: number, name: string, inode?: number): { fd: number; inode: number } | undefined {
  const fd = libc.openat(dirFd, name, O_RDONLY | O_CLOEXEC);
  return fd < 0 ? undefined : checkNetnsFd(fd, inode);
}

const cookieBuf = Buffer.alloc(8);
const cookieLen = Buffer.alloc(4);

/** The cookie of the namespace a socket belongs to (SO_NETNS_COOKIE); undefined before Linux 5.14. */
export function netnsCookie(libc: Libc, fd: number): bigint | undefined {
  cookieLen.writeUInt32LE(8);
  if (libc.getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookieBuf, cookieLen) < 0) {
    return undefined;
  }
  return os.endianness() === 'LE' ? cookieBuf.readBigUInt64LE(0) : cookieBuf.readBigUInt64BE(0);
}

/**
 * The inode of the namespace mounted on the entry `name` of an open directory, without opening it;
 * undefined when it is not a namespace, or where fstatat is not bound (then open it instead).
 */
export function netnsInodeAt(libc: Libc, dirFd: number, name: string): number | undefined {
  if (!libc.fstatat || libc.fstatat(dirFd, name, statBuf, 0) !== 0) {
    return undefined;
  }
  return Number(statBuf.readBigUInt64LE(0)) === nsfsDevice() ? Number(statBuf.readBigUInt64LE(8)) : undefined;
}

/** The fd and its inode when it is a namespace (and the one expected); closed and undefined otherwise. */
function checkNetnsFd(fd: number, inode: number | undefined): { fd: number; inode: number } | undefined {
  try {
    let dev: number;
    let ino: number;
    if (cached?.fstat && cached.fstat(fd, statBuf) === 0) {
      dev = Number(statBuf.readBigUInt64LE(0));
      ino = Number(statBuf.readBigUInt64LE(8));
    } else {
      ({ dev, ino } = fs.fstatSync(fd));
    }
    if (dev === nsfsDevice() && (inode === undefined || ino === inode)) {
      return { fd, inode: ino };
    }
  } catch {
    // treated as not a namespace
  }
  fs.closeSync(fd);
  return undefined;
}

/**
 * The helper's own network namespace, kept open so the main thread can always return to it after
 * entering another one with setns (setns moves only the calling thread).
 */
export class HomeNetns {
  readonly fd: number;
  readonly inode: number;

  /**
   * With `mayStay`, a process that cannot enter namespaces (not root) gets a home it never leaves:
   * its own namespace can still be read and watched. Otherwise that throws.
   */
  constructor(
    private readonly libc: Libc,
    mayStay = false,
  ) {
    this.fd = fs.openSync('/proc/thread-self/ns/net', 'r');
    this.inode = fs.fstatSync(this.fd).ino;
    // Entering our own namespace proves setns works here (root, no seccomp filter in the way).
    const r = libc.setns(this.fd, CLONE_NEWNET);
    if (r < 0) {
      const errno = libc.errno();
      if (mayStay && errno === EPERM) {
        this.canEnter = false;
        return;
      }
      fs.closeSync(this.fd);
      throw new SysError('setns', errno, `${libc.strerror(errno)} (entering namespaces needs root)`);
    }
  }

  /** False when this process may not enter other namespaces (it is not root). */
  readonly canEnter: boolean = true;

  /**
   * Opens a socket inside the namespace behind nsFd and returns to the home namespace before
   * returning, also when opening fails. The socket stays bound to that namespace.
   */
  socketIn(nsFd: number, type: number, protocol: number): number {
    check(this.libc, 'setns', this.libc.setns(nsFd, CLONE_NEWNET));
    let fd: number;
    let errno: number;
    try {
      fd = this.libc.socket(AF_NETLINK, type, protocol);
      errno = fd < 0 ? this.libc.errno() : 0;
    } finally {
      this.restore();
    }
    if (fd < 0) {
      throw new SysError('socket', errno, this.libc.strerror(errno));
    }
    return fd;
  }

  /**
   * Opens `count` sockets in a network namespace made for them (unshare), which they alone then
   * hold, and returns the thread to the namespace it was in (a read may be inside another one when
   * it needs a new change hub), also when that fails.
   */
  socketsInNew(count: number, type: number, protocol: number): number[] {
    const here = check(this.libc, 'open', this.libc.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC));
    const fds: number[] = [];
    try {
      check(this.libc, 'unshare', this.libc.unshare(CLONE_NEWNET));
      let failure: unknown;
      try {
        while (fds.length < count) {
          fds.push(check(this.libc, 'socket', this.libc.socket(AF_NETLINK, type, protocol)));
        }
      } catch (e) {
        failure = e;
      }
      if (this.libc.setns(here, CLONE_NEWNET) < 0) {
        const errno = this.libc.errno();
        this.restore();
        failure ??= new SysError('setns', errno, `${this.libc.strerror(errno)} (returning from the new namespace)`);
      }
      if (failure) {
        throw failure;
      }
      return fds;
    } catch (e) {
      fds.forEach((fd) => this.libc.close(fd));
      throw e;
    } finally {
      this.libc.close(here);
    }
  }

  /**
   * Moves the calling thread into the namespace behind nsFd, without coming back: a caller that
   * opens sockets in many namespaces in a row enters each in turn and calls leave() once, in a
   * finally. Throws when setns fails (the thread is then where it was).
   */
  enter(nsFd: number): void {
    check(this.libc, 'setns', this.libc.setns(nsFd, CLONE_NEWNET));
  }

  /** Back to the home namespace after enter() (the process exits when even that fails). */
  leave(): void {
    this.restore();
  }

  private restore(): void {
    if (this.libc.setns(this.fd, CLONE_NEWNET) < 0 && this.libc.setns(this.fd, CLONE_NEWNET) < 0) {
      // Staying in another namespace would make every later operation act on the wrong one.
      process.stderr.write(`could not return to the helper's network namespace: ${this.libc.strerror(this.libc.errno())}; exiting\n`);
      process.exit(70);
    }
  }

  dispose(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

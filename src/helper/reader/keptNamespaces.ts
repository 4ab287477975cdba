// What the netlink reader keeps of each namespace between reads, and how it knows it still holds.
// Before a namespace is first dumped, a NETLINK_ROUTE socket is opened in it that joins the
// multicast groups of everything the reader reads (links, addresses, routes, qdiscs, forwarding,
// nsids). Nothing is read from that socket but whether anything came: the kernel queues each change
// notice before the call that made the change returns, so a socket that is still empty at the
// start of a read means the namespace has not changed since its last dump, and its last answers
// are used again without entering it. Its receive buffer is the smallest the kernel allows: a
// burst of changes overflows it, which is a change too.
//
// Such a socket holds its namespace alive. A namespace whose name is deleted must go when it would
// have gone without us, so the names are watched (inotify) and a gone one's socket is closed at
// once; each read checks the names again.
//
// The kernel watcher, which needs a socket in every namespace for the same notices, shares these
// (share()): one socket per namespace instead of two, so at ten thousand namespaces every one is
// kept within the open-file limit. Whoever empties a socket first tells the other: the watcher's
// drain() marks the namespace to be dumped again, and a read's refresh() tells the watcher
// (SharingWatcher.heard) what it emptied, so neither misses a change the other took.

import * as fs from 'node:fs';
import { RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_IFADDR, RTMGRP_IPV6_ROUTE, RTMGRP_LINK, RTMGRP_NSID } from '../pure/rtnetlink';
import { RTMGRP_IPV4_NETCONF, RTMGRP_IPV6_NETCONF, RTMGRP_TC } from '../pure/tcNetlink';
import {
  AF_NETLINK,
  EINTR,
  emptySocket,
  EPOLL_CLOEXEC,
  EPOLL_CTL_DEL,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_SIZE,
  EPOLLIN,
  epollSet,
  netnsCookie,
  NETLINK_ROUTE,
  SO_RCVBUF,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_SOCKET,
  type Libc,
} from './libc';

/** Links, addresses, routes, qdiscs (netem), netconf (forwarding) and nsids: all the reader reads. */
export const MODEL_GROUPS =
  RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_TC | RTMGRP_IPV4_NETCONF | RTMGRP_IPV6_NETCONF;
const GROUPS = MODEL_GROUPS | RTMGRP_NSID;

/** The key of the root namespace ('' is no name in /run/netns). */
export const ROOT_KEY = '';

export interface Kept<T> {
  inode: number;
  /** The change socket's fd. */
  fd: number;
  /** Its key in the epoll set (never reused, unlike fds). */
  token: number;
  /** The namespace's cookie (SO_NETNS_COOKIE); undefined before Linux 5.14. */
  cookie?: bigint;
  /** The last answers; undefined when the namespace must be dumped at the next read. */
  contents?: T;
  /**
   * Inodes of the namespaces its veths' peers were found in at the last read (-1: a peer not
   * placed). A veth end moved out of one of those changes what this namespace's dump says of its
   * peer without a notice here, so it is dumped again when one of them changed (setPeers()).
   */
  peersIn: number[];
}

/** Readable sockets taken from the epoll set per call. */
const READY_BATCH = 256;

/** The kernel watcher, while it uses the kept sockets as its own (see share()). */
export interface SharingWatcher {
  /** A read's refresh() emptied this namespace's socket: report the change. */
  heard(key: string): void;
  /** The socket is about to be closed: take it out of the epoll set first. */
  closing(key: string, fd: number): void;
}

/** What the kernel watcher sees of the kept sockets. */
export interface SharedChangeSockets {
  /** False when another watcher shares them already (that one keeps them). */
  share(watcher: SharingWatcher): boolean;
  unshare(watcher: SharingWatcher): void;
  /**
   * The kept socket of this namespace, opened when there is none for this inode (the watcher
   * opens it in the namespace with `socketIn`); undefined when it cannot be had.
   */
  socketFor(key: string, inode: number, socketIn: (type: number, protocol: number) => number): number | undefined;
  /** Empties the namespace's socket; true when anything was there (it is then dumped again). */
  drain(key: string): boolean;
  forget(key: string): void;
}

export class KeptNamespaces<T> implements SharedChangeSockets {
  private readonly kept = new Map<string, Kept<T>>();
  private readonly scratch = Buffer.alloc(64);
  /**
   * Every kept socket is in this epoll set, so a refresh costs what changed, not what is kept: an
   * epoll_wait of 0 ms lists the sockets that heard something.
   */
  private epfd = -1;
  private readonly ready = Buffer.alloc(READY_BATCH * EPOLL_EVENT_SIZE);
  private readonly byToken = new Map<number, string>();
  private nextToken = 1;
  /** Inode -> the key of the kept namespace. */
  private readonly byInode = new Map<number, string>();
  /** Inode -> keys of kept namespaces with a veth into it. */
  private readonly dependents = new Map<number, Set<string>>();
  /** Keys with a veth into a namespace not kept, or not placed: dumped at every read. */
  private readonly outside = new Set<string>();
  /** Inodes that changed, or whose namespace is new or let go, since the last refresh. */
  private readonly dirty = new Set<number>();
  private watcher?: fs.FSWatcher;
  private sharing?: SharingWatcher;
  private disposed = false;

  constructor(
    private readonly libc: Libc,
    /** At most this many namespaces are kept (one fd each); the rest are dumped at every read. */
    private readonly budget: number,
    /** The inode now mounted on a name, undefined when there is none. */
    private readonly inodeOf: (name: string) => number | undefined,
  ) {}

  share(watcher: SharingWatcher): boolean {
    if (this.disposed || (this.sharing && this.sharing !== watcher)) {
      return false;
    }
    this.sharing = watcher;
    return true;
  }

  unshare(watcher: SharingWatcher): void {
    if (this.sharing === watcher) {
      this.sharing = undefined;
    }
  }

  /** How many namespaces are kept. */
  get count(): number {
    return this.kept.size;
  }

  get(key: string): Kept<T> | undefined {
    return this.kept.get(key);
  }

  /**
   * Opens the change socket of the namespace the calling thread is in, before its dump, so that
   * nothing said after the dump is missed; undefined when the budget is spent or it cannot be had.
   */
  open(key: string, inode: number, socketIn?: (type: number, protocol: number) => number): Kept<T> | undefined {
    this.forget(key);
    if (this.kept.size >= this.budget) {
      return undefined;
    }
    const { libc } = this;
    let fd: number;
    try {
      fd = socketIn ? socketIn(SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) : libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    } catch {
      return undefined; // could not enter the namespace
    }
    if (fd < 0) {
      return undefined;
    }
    const one = Buffer.alloc(4);
    one.writeInt32LE(1);
    const addr = Buffer.alloc(12); // sockaddr_nl
    addr.writeUInt16LE(AF_NETLINK, 0);
    addr.writeUInt32LE(GROUPS, 8);
    if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, one, 4) < 0 || libc.bind(fd, addr, addr.length) < 0) {
      libc.close(fd);
      return undefined;
    }
    if (this.epfd < 0) {
      this.epfd = libc.epoll_create1(EPOLL_CLOEXEC);
    }
    const token = this.nextToken++;
    if (this.epfd < 0 || epollSet(libc, this.epfd, fd, EPOLLIN, token) < 0) {
      libc.close(fd);
      return undefined;
    }
    const k: Kept<T> = { inode, fd, token, cookie: netnsCookie(libc, fd), peersIn: [] };
    this.kept.set(key, k);
    this.byToken.set(token, key);
    this.byInode.set(inode, key);
    // Namespaces whose veths were found leading here before: dumped again. (Those the same read
    // finds doing so are indexed after it, and one that leads to a namespace not kept is dumped
    // at every read anyway, so a first read's namespaces do not all count as changed at the next.)
    if (this.dependents.has(inode)) {
      this.dirty.add(inode);
    }
    return k;
  }

  socketFor(key: string, inode: number, socketIn: (type: number, protocol: number) => number): number | undefined {
    if (this.disposed) {
      return undefined;
    }
    const k = this.kept.get(key);
    return k && k.inode === inode ? k.fd : this.open(key, inode, socketIn)?.fd;
  }

  drain(key: string): boolean {
    const k = this.kept.get(key);
    // The root's new nsids are news: they are the nsids the view shows for the other namespaces.
    if (!k || !emptySocket(this.libc, k.fd, this.scratch, key === ROOT_KEY)) {
      return false;
    }
    k.contents = undefined;
    this.dirty.add(k.inode);
    return true;
  }

  /**
   * At the start of a read: every kept namespace whose socket heard something since the last
   * refresh is to be dumped again (its socket emptied), and so is every one with a veth into such
   * a namespace, into one that came or went, or into one not kept. What it costs grows with what
   * changed: the epoll set lists the sockets that heard something.
   */
  refresh(): void {
    if (this.epfd >= 0) {
      for (;;) {
        const n = this.libc.epoll_wait(this.epfd, this.ready, READY_BATCH, 0);
        if (n < 0 && this.libc.errno() === EINTR) {
          continue;
        }
        if (n < 0) {
          this.stale(); // cannot tell: everything is read again
          return;
        }
        for (let i = 0; i < n; i++) {
          const key = this.byToken.get(this.ready.readUInt32LE(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET));
          // Found empty: the watcher emptied it since, and its drain() marked it already.
          if (key !== undefined && this.drain(key)) {
            this.sharing?.heard(key);
          }
        }
        if (n < READY_BATCH) {
          break;
        }
      }
    }
    for (const inode of this.dirty) {
      for (const key of this.dependents.get(inode) ?? []) {
        const k = this.kept.get(key);
        if (k) {
          k.contents = undefined;
        }
      }
    }
    this.dirty.clear();
    for (const key of this.outside) {
      const k = this.kept.get(key);
      if (k) {
        k.contents = undefined;
      }
    }
  }

  /** Where a kept namespace's veths lead, as its last read found (see Kept.peersIn). */
  setPeers(k: Kept<T>, inodes: number[]): void {
    const key = this.byInode.get(k.inode);
    if (key === undefined || this.kept.get(key) !== k) {
      return;
    }
    this.unindexPeers(key, k);
    k.peersIn = inodes;
    for (const i of inodes) {
      if (i < 0 || !this.byInode.has(i)) {
        this.outside.add(key);
        continue;
      }
      let set = this.dependents.get(i);
      if (!set) {
        this.dependents.set(i, (set = new Set()));
      }
      set.add(key);
    }
  }

  private unindexPeers(key: string, k: Kept<T>): void {
    this.outside.delete(key);
    for (const i of k.peersIn) {
      const set = this.dependents.get(i);
      set?.delete(key);
      if (set?.size === 0) {
        this.dependents.delete(i);
      }
    }
  }

  /** Every kept namespace is dumped again at the next read, as after a lost notice. */
  stale(): void {
    for (const k of this.kept.values()) {
      k.contents = undefined;
    }
  }

  /** Lets go of the namespace kept under this key (its socket closed). */
  forget(key: string): void {
    const k = this.kept.get(key);
    if (k) {
      this.sharing?.closing(key, k.fd);
      this.libc.epoll_ctl(this.epfd, EPOLL_CTL_DEL, k.fd, null);
      this.libc.close(k.fd);
      this.kept.delete(key);
      this.byToken.delete(k.token);
      this.unindexPeers(key, k);
      if (this.byInode.get(k.inode) === key) {
        this.byInode.delete(k.inode);
        // Those with a veth into it are no longer told when it changes.
        for (const d of this.dependents.get(k.inode) ?? []) {
          this.outside.add(d);
        }
        this.dirty.add(k.inode);
      }
    }
  }

  /** Lets go of every namespace whose name is gone or now names another namespace. */
  settle(names: Iterable<string> = this.kept.keys()): void {
    for (const key of [...names]) {
      const k = this.kept.get(key);
      if (k && key !== ROOT_KEY && this.inodeOf(key) !== k.inode) {
        this.forget(key);
      }
    }
  }

  /** After a read of every name: what it did not see is let go (the root, always there, stays). */
  keepOnly(keys: Set<string>): void {
    for (const key of [...this.kept.keys()]) {
      if (!keys.has(key) && key !== ROOT_KEY) {
        this.forget(key);
      }
    }
  }

  /**
   * Watches the directory the names live in, so that a deleted name's namespace is let go as soon
   * as the name is gone; armed again by the next call after the directory itself went away.
   */
  watch(dir: string): void {
    if (this.watcher) {
      return;
    }
    try {
      this.watcher = fs.watch(dir, { persistent: false }, (_event, file) => this.settle(file ? [file.toString()] : undefined));
      this.watcher.on('error', () => this.unwatch());
      this.watcher.on('close', () => (this.watcher = undefined));
    } catch {
      // not there (yet): each read settles the names it reads
    }
  }

  dispose(): void {
    this.disposed = true;
    this.unwatch();
    for (const key of [...this.kept.keys()]) {
      this.forget(key);
    }
    if (this.epfd >= 0) {
      this.libc.close(this.epfd);
      this.epfd = -1;
    }
  }

  private unwatch(): void {
    const w = this.watcher;
    this.watcher = undefined;
    w?.close();
  }
}

// What the netlink reader keeps of each namespace between reads, and how it knows it still holds.
// Before a namespace is first dumped it is given an nsid in a change hub's namespace
// (changeHub.ts; changeHubs.ts keeps as many hubs as it takes), whose one socket hears the notices
// of every such namespace: links, addresses, routes, qdiscs, forwarding, nsids. The kernel queues each change notice before the call that
// made the change returns, so a namespace the hub heard nothing from since its last dump has not
// changed, and its last answers are used again without entering it. A notice lost to a full
// queue counts as a change of every namespace.
//
// The kernel watcher, which needs the same notices, shares the hub (share()). Whoever empties it
// first tells the other: the watcher's drain() marks the namespaces to be dumped again, and a
// read's refresh() tells the watcher (SharingWatcher.heard) what it emptied, so neither misses a
// change the other took.

import { RTM_NEWNSID, RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_IFADDR, RTMGRP_IPV6_ROUTE, RTMGRP_LINK, RTMGRP_NSID } from '../pure/rtnetlink';
import { RTMGRP_IPV4_NETCONF, RTMGRP_IPV6_NETCONF, RTMGRP_TC } from '../pure/tcNetlink';
import { ChangeHubs } from './changeHubs';
import type { HomeNetns, Libc } from './libc';

/** Links, addresses, routes, qdiscs (netem), netconf (forwarding) and nsids: all the reader reads. */
export const MODEL_GROUPS =
  RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_TC | RTMGRP_IPV4_NETCONF | RTMGRP_IPV6_NETCONF;
const GROUPS = MODEL_GROUPS | RTMGRP_NSID;

/** The key of the root namespace ('' is no name in /run/netns). */
export const ROOT_KEY = '';

export interface Kept<T> {
  inode: number;
  /** Its id among the hubs (ChangeHubs.add): the hubs' notices from it carry this. */
  nsid: number;
  /** The namespace's cookie (SO_NETNS_COOKIE), once a read took it; undefined before Linux 5.14. */
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

/** The kernel watcher, while it uses the hub as its own (see share()). */
export interface SharingWatcher {
  /** A read's refresh() emptied the hub of this namespace's notices: report the change. */
  heard(key: string): void;
  /** The namespace is let go (its name is gone or names another, a read failed there, the end). */
  closing(key: string): void;
}

/** What the kernel watcher sees of the kept namespaces. */
export interface SharedChanges {
  /** False when another watcher shares them already (that one keeps them). */
  share(watcher: SharingWatcher): boolean;
  unshare(watcher: SharingWatcher): void;
  /** For the watcher's epoll set: readable when a notice came (the hubs' own epoll set). */
  readonly fd: number;
  /** Keeps the namespace behind nsFd under this key, when it is not kept already; false when it cannot be. */
  keep(key: string, inode: number, nsFd: number): boolean;
  /** Empties the hub; the namespaces it heard from are dumped again and told to the watcher (heard()). */
  drain(): void;
  forget(key: string): void;
}

export class KeptNamespaces<T> implements SharedChanges {
  private readonly kept = new Map<string, Kept<T>>();
  private readonly hub?: ChangeHubs;
  /** Id among the hubs -> the keys of the kept namespace (one namespace may have two names). */
  private readonly byNsid = new Map<number, Set<string>>();
  /** Inode -> the key of the kept namespace. */
  private readonly byInode = new Map<number, string>();
  /** Inode -> keys of kept namespaces with a veth into it. */
  private readonly dependents = new Map<number, Set<string>>();
  /** Keys with a veth into a namespace not kept, or not placed: dumped at every read. */
  private readonly outside = new Set<string>();
  /** Inodes that changed, or whose namespace is new or let go, since the last refresh. */
  private readonly dirty = new Set<number>();
  private sharing?: SharingWatcher;
  private disposed = false;

  /** `hubSize`: how many namespaces one hub gives ids to (see changeHubs.ts). */
  constructor(libc: Libc, home: HomeNetns, hubSize?: number) {
    // Without a hub (not root, or the kernel refuses) nothing is kept: every read dumps everything.
    this.hub = ChangeHubs.open(libc, home, GROUPS, hubSize);
  }

  /** The hubs' epoll set; -1 without one. */
  get fd(): number {
    return this.hub?.fd ?? -1;
  }

  share(watcher: SharingWatcher): boolean {
    if (this.disposed || !this.hub || (this.sharing && this.sharing !== watcher)) {
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
   * Keeps the namespace behind nsFd before its dump, so that nothing said after the dump is
   * missed; undefined when it cannot be kept.
   */
  open(key: string, inode: number, nsFd: number): Kept<T> | undefined {
    this.forget(key);
    const nsid = this.disposed ? undefined : this.hub?.add(nsFd);
    if (nsid === undefined) {
      return undefined;
    }
    const k: Kept<T> = { inode, nsid, peersIn: [] };
    this.kept.set(key, k);
    this.byNsid.set(nsid, (this.byNsid.get(nsid) ?? new Set()).add(key));
    this.byInode.set(inode, key);
    // Namespaces whose veths were found leading here before: dumped again. (Those the same read
    // finds doing so are indexed after it, and one that leads to a namespace not kept is dumped
    // at every read anyway, so a first read's namespaces do not all count as changed at the next.)
    if (this.dependents.has(inode)) {
      this.dirty.add(inode);
    }
    return k;
  }

  keep(key: string, inode: number, nsFd: number): boolean {
    const k = this.kept.get(key);
    return (k !== undefined && k.inode === inode) || this.open(key, inode, nsFd) !== undefined;
  }

  drain(): void {
    if (!this.hub) {
      return;
    }
    const heard = new Set<string>();
    const complete = this.hub.drain((nsid, type) => {
      for (const key of this.byNsid.get(nsid) ?? []) {
        // The root's new nsids are news: they are the nsids the view shows for the other namespaces.
        // Elsewhere a new nsid comes from a first dump (peernet2id_alloc gives one to each namespace a
        // veth leads to), and an nsid given stays while both namespaces live (a dropped one is news).
        if (type !== RTM_NEWNSID || key === ROOT_KEY) {
          heard.add(key);
        }
      }
    });
    if (!complete) {
      this.kept.forEach((_k, key) => heard.add(key));
    }
    for (const key of heard) {
      const k = this.kept.get(key)!;
      k.contents = undefined;
      this.dirty.add(k.inode);
      this.sharing?.heard(key);
    }
  }

  /**
   * At the start of a read: every kept namespace the hub heard from since the last refresh is to
   * be dumped again, and so is every one with a veth into such a namespace, into one that came or
   * went, or into one not kept. What it costs grows with what changed.
   */
  refresh(): void {
    this.drain();
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

  /** Lets go of the namespace kept under this key (its nsid stays while it lives, unheard). */
  forget(key: string): void {
    const k = this.kept.get(key);
    if (k) {
      this.kept.delete(key);
      const keys = this.byNsid.get(k.nsid);
      keys?.delete(key);
      if (keys?.size === 0) {
        this.byNsid.delete(k.nsid);
        this.hub?.release(k.nsid);
      }
      this.unindexPeers(key, k);
      if (this.byInode.get(k.inode) === key) {
        this.byInode.delete(k.inode);
        // Those with a veth into it are no longer told when it changes.
        for (const d of this.dependents.get(k.inode) ?? []) {
          this.outside.add(d);
        }
        this.dirty.add(k.inode);
      }
      this.sharing?.closing(key);
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

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.kept.keys()]) {
      this.forget(key);
    }
    this.hub?.close();
  }
}

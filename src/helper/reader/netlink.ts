// The fast reader: one process enters each namespace in turn with setns just long enough to open
// a NETLINK_ROUTE socket there, then dumps links, addresses and routes over that socket. No
// process is spawned. Per namespace it makes about as many system calls as the minimal C program
// in scripts/bench/cbound.c: the forwarding switches go in the same datagram as the link dump, a
// dump comes back in one recvmmsg, and the thread returns home once per read, not per namespace.
// What nsids name is learnt once and kept (nsidKnowledge.ts): a warm read matches veth peers
// without asking the kernel. A namespace that has not changed since its last read is not entered
// at all: its last answers are used again (keptNamespaces.ts says how that is known).

import * as fs from 'node:fs';
import { netnsId, type Interface, type Namespace, type Netem, type NetnsRef } from '../../core/model';
import { ambiguousNamespaces, resolvePeers, type NsidMaps } from '../pure/peers';
import {
  addrDumpRequest,
  buildInterfaces,
  buildRoutes,
  linkDumpRequest,
  linkInNsidRequest,
  mainRouteDumpRequest,
  nsidByFdRequest,
  nsidDumpRequest,
  parseAddr,
  parseLink,
  parseNsid,
  parseRoute,
  routeDumpRequest,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWNSID,
  RTMGRP_NSID,
  RTM_NEWROUTE,
  type RawAddr,
  type RawLink,
  type NlMessage,
  type RawRoute,
  splitMessages,
} from '../pure/rtnetlink';
import { netconfAllRequest, parseNetconfForwarding, parseNetemQdisc, qdiscDumpRequest, RTM_NEWNETCONF, RTM_NEWQDISC } from '../pure/tcNetlink';
import { listNetnsNames, NETNS_RUN_DIR, netnsInode, netnsPath, rootNetnsPath, unopenedName } from '../netnsDir';
import { processNetnsInodes } from '../procNetns';
import { netlinkAddr, AF_NETLINK, growFdTable, HomeNetns, SysError, loadLibc, NETLINK_ROUTE, netnsCookie, netnsInodeAt, O_CLOEXEC, O_DIRECTORY, O_RDONLY, openNetnsAt, openNetnsFile, NETLINK_GET_STRICT_CHK, raiseOpenFileLimit, SOCK_CLOEXEC, SOCK_RAW, SOL_NETLINK, check, type Libc } from './libc';
import { KeptNamespaces, ROOT_KEY, type Kept, type SharedChanges } from './keptNamespaces';
import { Capture, NetlinkSocket, RequestBatch } from './netlinkSocket';
import { NsidKnowledge } from './nsidKnowledge';
import type { ReadOptions, Reader } from './types';

/** Byte offset of the NETNSA_FD value in nsidByFdRequest(): nlmsghdr, rtgenmsg, attr header. */
const NSID_FD_OFFSET = 16 + 4 + 4;

/**
 * Fixed sequence numbers of a namespace's requests on its own fresh socket (nothing else is
 * ever sent there, so no answer can be mistaken for another's): they tell the answers apart in
 * one capture.
 */
const SEQ_NETCONF4 = 1;
const SEQ_NETCONF6 = 2;
const SEQ_LINKS = 3;
const SEQ_ADDRS = 4;
const SEQ_MAIN_ROUTES = 5;
const SEQ_ROUTES = 6;

/** The id of a name that is not (or no longer) a namespace. */
const NO_ID = netnsId(0);

/** What a namespace's answers say, before it becomes the model (shared by reads: never changed). */
interface RawContents {
  links: RawLink[];
  addrs: RawAddr[];
  routes: RawRoute[];
  forwarding: { ipv4: boolean; ipv6: boolean };
  /** The netem settings of root qdiscs, by ifindex. */
  netem?: Map<number, Netem>;
}

/** One namespace being read: its entry, and the fd/socket kept for settling veth peers. */
interface Handle {
  ns: Namespace;
  /** fd of /run/netns/NAME (or of the home namespace for the root); -1 when closed. */
  fd: number;
  sock?: NetlinkSocket;
  /** Not ours to close (the home namespace's fd, the root socket). */
  borrowed?: boolean;
  /** The namespace's cookie, read where it has a veth into another namespace (or an nsid). */
  cookie?: bigint;
  /** What is kept of it between reads, when it is. */
  kept?: Kept<RawContents>;
}

export class NetlinkReader implements Reader {
  readonly kind = 'netlink';
  private readonly libc: Libc;
  private readonly home: HomeNetns;
  private readonly linkReq = linkDumpRequest();
  private readonly addrReq = addrDumpRequest();
  private readonly routeReq = routeDumpRequest();
  private readonly mainRouteReq = mainRouteDumpRequest();
  private readonly one = Buffer.from([1, 0, 0, 0]);
  /** Cleared when the kernel cannot filter route dumps (before 4.20, or it refused one). */
  private filterRoutes = true;
  private readonly nsidReq = nsidByFdRequest(0);
  private readonly nsidDumpReq = nsidDumpRequest();
  private readonly qdiscReq = qdiscDumpRequest();
  /** The requests with fixed sequence numbers: the forwarding switches ride with the link dump. */
  private readonly fixed = {
    first: Buffer.concat([netconfAllRequest(4, SEQ_NETCONF4), netconfAllRequest(6, SEQ_NETCONF6), linkDumpRequest(SEQ_LINKS)]),
    addrs: addrDumpRequest(SEQ_ADDRS),
    mainRoutes: mainRouteDumpRequest(SEQ_MAIN_ROUTES),
    routes: routeDumpRequest(SEQ_ROUTES),
  };
  private readonly capture = new Capture();
  /** Each namespace's last answers, while nothing changed there (by name; the root's under ROOT_KEY). */
  private readonly kept: KeptNamespaces<RawContents>;
  /** The two forwarding switches (RTM_GETNETCONF of "all") and the link dump, in one datagram. */
  private readonly firstBatch = new RequestBatch([netconfAllRequest(4), netconfAllRequest(6)], this.linkReq);
  /** What nsids name, from earlier reads. */
  private readonly known = new NsidKnowledge();
  /** Hears the root namespace give nsids (undefined before the first read, null where it cannot). */
  private nsidEvents?: NetlinkSocket | null;
  /** Set once the root namespace is seen giving nsids: then every namespace's cookie is read. */
  private cookiesForAll = false;
  /** /run/netns, open during a read (-1 otherwise, or where it is not there). */
  private dirFd = -1;
  /** How many namespaces may keep their fd and socket open during a read (two fds each). */
  private readonly keepOpen: number;
  /** Namespaces opened again after their dumps, in this read (see ensureFd), and how many may stay open. */
  private reopenedHandles: Handle[] = [];
  private readonly reopenMax: number;

  /** How many fds the fd table was grown to hold (growFdTable). */
  private fdRoom = 0;

  /** How many namespaces the last read entered and dumped (the rest were as their last dump found them). */
  dumped = 0;

  /**
   * `files`: how many files a read may hold open (default: from the open-file limit; see readFiles).
   * `hubSize`: how many kept namespaces one change hub hears (default HUB_SIZE; see changeHubs.ts).
   */
  constructor({ files, hubSize }: ReaderOptions = {}) {
    this.libc = loadLibc();
    raiseOpenFileLimit(this.libc);
    this.keepOpen = Math.floor((files ?? readFiles()) / 2);
    this.reopenMax = Math.max(2, Math.min(64, this.keepOpen)); // within the readFiles margin
    // Without root it still reads its own (the host's) namespace, and names and inodes of the rest.
    this.home = new HomeNetns(this.libc, true);
    this.kept = new KeptNamespaces(this.libc, this.home, hubSize);
  }

  /** The kept namespaces and their change hub, for the kernel watcher to use as its own; none without root. */
  get sharedChanges(): SharedChanges | undefined {
    return this.home.canEnter ? this.kept : undefined;
  }

  /** False when it runs without root: named namespaces come with their name and inode only. */
  get privileged(): boolean {
    return this.home.canEnter;
  }

  async read(options: ReadOptions): Promise<Namespace[]> {
    return this.readSync(options);
  }

  /** The whole read runs synchronously: the thread never yields while inside another namespace. */
  readSync(options: ReadOptions): Namespace[] {
    const names = options.names ?? listNetnsNames();
    // Drained only by the reads that then ask for nsids (an ids-only read does not: see below).
    const nsidsChanged = !options.idsOnly && this.rootNsidsChanged();
    this.dumped = 0;
    if (!options.idsOnly && this.home.canEnter) {
      this.makeFdRoom(names.length + 1);
    }
    this.kept.refresh();
    const root = this.socket(this.home.fd, false);
    const handles: Handle[] = [];
    this.dirFd = this.libc.open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    try {
      const result: Namespace[] = [];
      const rootNs: Namespace = {
        name: null,
        path: rootNetnsPath(),
        inode: this.home.inode,
        id: netnsId(this.home.inode),
        isRoot: true,
        interfaces: [],
      };
      if (options.includeRoot) {
        const h: Handle = { ns: rootNs, fd: this.home.fd, sock: root, borrowed: true };
        h.kept = this.kept.get(ROOT_KEY) ?? this.kept.open(ROOT_KEY, this.home.inode, this.home.fd);
        Object.assign(rootNs, h.kept?.contents ? fromRaw(h.kept.contents) : this.contents(root, h.kept));
        h.cookie = h.kept?.cookie ?? netnsCookie(this.libc, root.fd);
        if (h.kept) {
          h.kept.cookie = h.cookie;
        }
        result.push(rootNs);
        handles.push(h);
      }
      // Each namespace is entered from the one before; the thread comes home once, at the end.
      let away = false;
      try {
        for (const name of names) {
          const h = this.readNamed(name, handles.length < this.keepOpen, options.idsOnly === true, () => (away = true));
          if (!h) {
            continue;
          }
          handles.push(h);
          result.push(h.ns);
        }
      } finally {
        if (away) {
          this.home.leave();
        }
      }
      // Peers are placed among the namespaces read inside: an ids-only read has only the host's,
      // and what is known of the others (nsids, where peers were) must not be pruned by it.
      if (!options.idsOnly) {
        this.rootNsids(root, handles, nsidsChanged);
        this.matchPeers(handles, options.names === undefined);
        this.placeUnnamedPeers(handles);
        this.notePeers(handles);
      }
      if (options.names === undefined) {
        this.kept.keepOnly(new Set(handles.map((h) => h.ns.name ?? ROOT_KEY)));
      }
      return result;
    } finally {
      for (const h of handles) {
        this.release(h);
      }
      this.reopenedHandles = [];
      root.close();
      if (this.dirFd >= 0) {
        this.libc.close(this.dirFd);
        this.dirFd = -1;
      }
    }
  }

  dispose(): void {
    this.nsidEvents?.close();
    this.nsidEvents = null;
    this.kept.dispose();
    this.home.dispose();
  }

  /** The next read dumps every namespace, changed or not (what the bench compares with the C bound). */
  stale(): void {
    this.kept.stale();
  }

  /**
   * Room in the fd table, made at once, for what a read of `namespaces` holds open: each kept
   * open with its fd and socket, the reopened ones, and a margin (the folder, the root's socket).
   * Opened one by one, a first read of 1000 namespaces grew the table three times (at 256, 512
   * and 1024 fds; see growFdTable), each a wait that a warm read, with the table grown, does not make.
   */
  private makeFdRoom(namespaces: number): void {
    const want = 2 * Math.min(namespaces, this.keepOpen) + 2 * this.reopenMax + 64;
    if (want > this.fdRoom) {
      growFdTable(this.libc, this.home.fd, want);
      this.fdRoom = want; // also when the limit refused it: not asked again at every read
    }
  }

  /**
   * Reads one named namespace (its inode only with idsOnly, or without the right to enter it);
   * onEntered is called once the thread has left its namespace.
   * Undefined when /run/netns no longer has the name: an answer holds what the folder has, so a
   * name deleted since it was asked for is gone, not a namespace with an error.
   */
  private readNamed(name: string, keep: boolean, idsOnly: boolean, onEntered: () => void): Handle | undefined {
    const ns: Namespace = { name, path: netnsPath(name), inode: 0, id: NO_ID, isRoot: false, interfaces: [] };
    const h: Handle = { ns, fd: -1 };
    const kept = this.kept.get(name);
    if (kept?.contents && this.inodeOfName(name) === kept.inode) {
      // Nothing changed there since the last read: not even opened.
      Object.assign(ns, { inode: kept.inode, id: netnsId(kept.inode) }, fromRaw(kept.contents));
      h.kept = kept;
      h.cookie = kept.cookie;
      return h;
    }
    const inode = this.openNetns(h);
    if (inode === undefined) {
      this.kept.forget(name);
      const why = unopenedName(name);
      if (!why) {
        return undefined;
      }
      Object.assign(ns, why);
      return h;
    }
    ns.inode = inode;
    ns.id = netnsId(inode);
    if (idsOnly || !this.home.canEnter) {
      ns.unprivileged = true;
      this.release(h);
      return h;
    }
    try {
      this.home.enter(h.fd);
      onEntered();
      // Kept first (from an earlier read of the same namespace), then the dumps.
      h.kept = kept?.inode === inode ? kept : this.kept.open(name, inode, h.fd);
      h.sock = new NetlinkSocket(this.libc, check(this.libc, 'socket', this.libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)));
      Object.assign(ns, this.contents(h.sock, h.kept));
      h.cookie = h.kept?.cookie;
      if (h.cookie === undefined && (h.kept || this.cookiesForAll || ns.interfaces.some(isRemoteVeth))) {
        h.cookie = netnsCookie(this.libc, h.sock.fd);
        if (h.kept) {
          h.kept.cookie = h.cookie; // for the reads that use its answers again
        }
      }
    } catch (e) {
      ns.error = `Could not read namespace "${name}": ${(e as Error).message}`;
      this.kept.forget(name);
      h.kept = undefined;
    }
    if (!keep || ns.error) {
      this.release(h);
    }
    return h;
  }

  /** Opens /run/netns/NAME into h.fd (the same namespace as before, on a second open). */
  private openNetns(h: Handle): number | undefined {
    const opened =
      this.dirFd >= 0 && h.ns.name !== null && !h.ns.name.includes('/')
        ? openNetnsAt(this.libc, this.dirFd, h.ns.name, h.ns.inode || undefined)
        : openNetnsFile(h.ns.path, h.ns.inode || undefined);
    if (opened) {
      h.fd = opened.fd;
    }
    return opened?.inode;
  }

  private socket(nsFd: number, enter: boolean): NetlinkSocket {
    const type = SOCK_RAW | SOCK_CLOEXEC;
    const fd = enter
      ? this.home.socketIn(nsFd, type, NETLINK_ROUTE)
      : check(this.libc, 'socket', this.libc.socket(AF_NETLINK, type, NETLINK_ROUTE));
    return new NetlinkSocket(this.libc, fd);
  }

  /**
   * Links, addresses, the main table's routes and the forwarding switches: three dumps, the
   * switches' requests riding in the link dump's datagram. The answers are captured whole, then
   * parsed, and kept in `kept` for the next reads while the namespace does not change.
   */
  private contents(sock: NetlinkSocket, kept: Kept<RawContents> | undefined): Pick<Namespace, 'interfaces' | 'routes' | 'forwarding'> {
    this.dumped++;
    const cap = this.capture;
    cap.reset();
    let interrupted = sock.capture(this.fixed.first, SEQ_LINKS, cap);
    interrupted = sock.capture(this.fixed.addrs, SEQ_ADDRS, cap) || interrupted;
    interrupted = this.captureRoutes(sock, cap) || interrupted;
    if (interrupted) {
      return this.contentsSlow(sock); // changed while dumped: dumped again until it holds still (not kept)
    }
    const raw = parseContents(cap.bytes);
    if (raw.links.some((l) => l.qdisc === 'netem')) {
      raw.netem = this.netemOf(sock);
    }
    if (kept) {
      kept.contents = raw;
    }
    return fromRaw(raw);
  }

  /** The main table's routes into the capture: filtered by the kernel where it can (see dumpRoutes). */
  private captureRoutes(sock: NetlinkSocket, cap: Capture): boolean {
    if (this.filterRoutes) {
      if (this.libc.setsockopt(sock.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, this.one, 4) === 0) {
        const mark = cap.bytes.length;
        try {
          return sock.capture(this.fixed.mainRoutes, SEQ_MAIN_ROUTES, cap);
        } catch (e) {
          if (!(e instanceof SysError) || e.call !== 'netlink dump') {
            throw e;
          }
        }
        cap.truncate(mark);
        this.one.writeUInt32LE(0);
        this.libc.setsockopt(sock.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, this.one, 4);
        this.one.writeUInt32LE(1);
      }
      this.filterRoutes = false;
    }
    return sock.capture(this.fixed.routes, SEQ_ROUTES, cap);
  }

  /**
   * The same as contents(), each dump restarted while the kernel marks it interrupted by a
   * change, and everything parsed.
   */
  private contentsSlow(sock: NetlinkSocket): Pick<Namespace, 'interfaces' | 'routes' | 'forwarding'> {
    const links: RawLink[] = [];
    const addrs: RawAddr[] = [];
    const routes: RawRoute[] = [];
    // IPv4 and IPv6 forwarding, as RTM_GETNETCONF of the "all" settings answers them (the values
    // of net.ipv4.ip_forward and net.ipv6.conf.all.forwarding). A family the namespace does not
    // have (IPv6 disabled in the kernel) answers with an error and reads as off.
    const forwarding = { ipv4: false, ipv6: false };
    sock.batch(
      this.firstBatch,
      (i, buf, m) => {
        if (m.type !== RTM_NEWNETCONF) {
          return;
        }
        let on = false;
        try {
          on = parseNetconfForwarding(buf, m) ?? false;
        } catch {
          // unreadable: shown as off
        }
        forwarding[i === 0 ? 'ipv4' : 'ipv6'] = on;
      },
      (buf, m) => {
        if (m.type === RTM_NEWLINK) {
          links.push(parseLink(buf, m));
        }
      },
      () => (links.length = 0),
    );
    sock.dump(
      this.addrReq,
      (buf, m) => {
        if (m.type === RTM_NEWADDR) {
          const a = parseAddr(buf, m);
          if (a) {
            addrs.push(a);
          }
        }
      },
      () => (addrs.length = 0),
    );
    this.dumpRoutes(sock, routes);
    const interfaces = buildInterfaces(links, addrs);
    // IFLA_QDISC names each root qdisc: only a namespace with a netem one is asked for qdiscs.
    if (links.some((l) => l.qdisc === 'netem')) {
      const netem = this.netemOf(sock);
      for (const i of interfaces) {
        if (netem.has(i.ifindex)) {
          i.netem = netem.get(i.ifindex);
        }
      }
    }
    const names = new Map(interfaces.map((i) => [i.ifindex, i.name]));
    return { interfaces, routes: buildRoutes(routes, (i) => names.get(i)), forwarding };
  }

  /**
   * The main table's routes (parseRoute keeps no other). The kernel is asked for that table alone
   * where it can filter (a third of the work of dumping every table here); otherwise, or when it
   * refuses the filtered dump, everything is dumped and filtered here.
   */
  private dumpRoutes(sock: NetlinkSocket, routes: RawRoute[]): void {
    const onMessage = (buf: Buffer, m: NlMessage) => {
      if (m.type === RTM_NEWROUTE) {
        const r = parseRoute(buf, m);
        if (r) {
          routes.push(r);
        }
      }
    };
    const restart = () => (routes.length = 0);
    if (this.filterRoutes) {
      if (this.libc.setsockopt(sock.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, this.one, 4) === 0) {
        try {
          sock.dump(this.mainRouteReq, onMessage, restart);
          return;
        } catch (e) {
          if (!(e instanceof SysError) || e.call !== 'netlink dump') {
            throw e;
          }
          // refused (a family that knows no tables): unfiltered from now on
        }
        routes.length = 0;
        this.one.writeUInt32LE(0);
        this.libc.setsockopt(sock.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, this.one, 4);
        this.one.writeUInt32LE(1);
      }
      this.filterRoutes = false;
    }
    sock.dump(this.routeReq, onMessage, restart);
  }

  /** The settings of each root netem qdisc, by ifindex. */
  private netemOf(sock: NetlinkSocket): Map<number, Netem> {
    const byIndex = new Map<number, Netem>();
    sock.dump(this.qdiscReq, (buf, m) => {
      if (m.type === RTM_NEWQDISC) {
        const q = parseNetemQdisc(buf, m);
        if (q) {
          byIndex.set(q.ifindex, q.netem);
        }
      }
    });
    return byIndex;
  }

  /**
   * Where each kept namespace's veth peers were found: a change there can change this one's
   * dump without a notice here (KeptNamespaces.refresh).
   */
  private notePeers(handles: Handle[]): void {
    for (const h of handles) {
      if (h.kept) {
        this.kept.setPeers(h.kept, h.ns.interfaces.filter(isRemoteVeth).map((i) => i.peer!.netnsInode ?? -1));
      }
    }
  }

  /**
   * The inode of the namespace mounted on /run/netns/NAME now: fstatat on the folder during a
   * read, nothing opened; a stat of the path otherwise.
   */
  private inodeOfName(name: string): number | undefined {
    if (name.includes('/')) {
      return undefined;
    }
    return this.dirFd >= 0 && this.libc.fstatat ? netnsInodeAt(this.libc, this.dirFd, name) : netnsInode(name);
  }

  private cookieOfHandle(h: Handle): bigint | undefined {
    if (h.cookie === undefined && this.ensureSocket(h)) {
      h.cookie = netnsCookie(this.libc, h.sock!.fd);
    }
    return h.cookie;
  }

  /**
   * Whether the root namespace may have given an nsid since the last read: it tells each new one on
   * RTNLGRP_NSID, which a socket kept for that hears. True on the first read, when messages were
   * lost, and where no such socket can be had.
   */
  private rootNsidsChanged(): boolean {
    if (this.nsidEvents === undefined) {
      this.nsidEvents = null;
      let fd = -1;
      try {
        fd = check(this.libc, 'socket', this.libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        const addr = netlinkAddr(RTMGRP_NSID);
        check(this.libc, 'bind', this.libc.bind(fd, addr, addr.length));
        this.nsidEvents = new NetlinkSocket(this.libc, fd);
      } catch {
        if (fd >= 0) {
          this.libc.close(fd);
        }
      }
      return true;
    }
    if (this.nsidEvents === null) {
      return true;
    }
    let given = false;
    try {
      const complete = this.nsidEvents.drain((_buf, m) => {
        given ||= m.type === RTM_NEWNSID;
      });
      return given || !complete;
    } catch {
      return true;
    }
  }

  /**
   * The nsid the root namespace gives each namespace, where it gives one. What is known is kept:
   * an nsid lasts while its namespace lives, and "none" lasts until the root namespace gives a
   * new one (rootNsidsChanged). For the rest, one dump lists the ids given (usually none: then
   * nothing more is asked); only while a listed id is unaccounted for are they asked one by one.
   */
  private rootNsids(root: NetlinkSocket, handles: Handle[], changed: boolean): void {
    if (changed) {
      this.known.forgetNoRootNsid();
    }
    const ask: Handle[] = [];
    for (const h of handles) {
      if (h.ns.isRoot || h.ns.unprivileged || h.ns.error || h.ns.notNamespace) {
        continue;
      }
      const known = h.cookie === undefined ? undefined : this.known.rootNsid(h.cookie);
      if (known === undefined) {
        ask.push(h);
      } else if (known >= 0) {
        h.ns.nsid = known;
      }
    }
    if (ask.length === 0) {
      return;
    }
    let given: Set<number> | undefined = new Set();
    try {
      root.dump(
        this.nsidDumpReq,
        (buf, m) => {
          if (m.type === RTM_NEWNSID) {
            const id = parseNsid(buf, m);
            if (id >= 0) {
              given!.add(id);
            }
          }
        },
        () => given!.clear(),
      );
      for (const h of handles) {
        if (h.ns.nsid !== undefined) {
          given.delete(h.ns.nsid);
        }
      }
    } catch {
      given = undefined; // the list cannot be had: every namespace is asked
    }
    const none = (h: Handle) => {
      if (h.cookie !== undefined) {
        this.known.learnRootNsid(h.cookie, -1);
      }
    };
    if (given?.size === 0) {
      ask.forEach(none);
      return;
    }
    // Ids are given here: from the next read on, every namespace's cookie is read, so that the
    // namespaces found without one need not be asked again.
    this.cookiesForAll = true;
    for (const h of ask) {
      if (given?.size === 0) {
        none(h);
        continue;
      }
      if (!this.ensureFd(h)) {
        continue;
      }
      let id: number;
      try {
        id = this.nsidOf(root, h.fd);
      } catch {
        continue; // without an nsid the namespace still reads fine (ip netns list shows none either)
      }
      if (id < 0) {
        none(h);
        continue;
      }
      h.ns.nsid = id;
      given?.delete(id);
      const cookie = this.cookieOfHandle(h);
      if (cookie !== undefined) {
        this.known.learnRootNsid(cookie, id);
      }
    }
  }

  /**
   * Veth peers: first through what earlier reads learnt of nsids (exact: the nsid names the
   * namespace, the peer ifindex the interface there), then, for the veths left, by ifindex as
   * core's resolvePeers does, asking the kernel only where that stays ambiguous; what those
   * requests establish is learnt for the next read.
   */
  private matchPeers(handles: Handle[], complete: boolean): void {
    const byCookie = new Map<bigint, Handle>();
    for (const h of handles) {
      if (h.cookie !== undefined && !h.ns.error) {
        byCookie.set(h.cookie, h);
      }
    }
    this.known.prune(new Set(byCookie.keys()), complete, this.kept.count);
    const settled = new Set<Interface>();
    const indexes = new Map<Handle, Map<number, Interface>>();
    const byIndex = (h: Handle) => {
      let m = indexes.get(h);
      if (!m) {
        indexes.set(h, (m = new Map(h.ns.interfaces.map((i) => [i.ifindex, i]))));
      }
      return m;
    };
    for (const x of byCookie.values()) {
      for (const a of x.ns.interfaces) {
        if (!isRemoteVeth(a) || settled.has(a)) {
          continue;
        }
        const to = this.known.peerNamespace(x.cookie!, a.peer!.linkNetnsid!);
        const y = to === undefined ? undefined : byCookie.get(to);
        const b = y && byIndex(y).get(a.peer!.ifindex);
        // The two ends must agree (a veth changing while it is read does not).
        if (!y || !b || settled.has(b) || !isRemoteVeth(b) || b.peer!.ifindex !== a.ifindex) {
          continue;
        }
        Object.assign(a.peer!, { name: b.name, netns: y.ns.name, netnsInode: y.ns.inode });
        Object.assign(b.peer!, { name: a.name, netns: x.ns.name, netnsInode: x.ns.inode });
        settled.add(a);
        settled.add(b);
        this.known.learn(y.cookie!, b.peer!.linkNetnsid!, x.cookie!);
      }
    }
    // The rest as if the settled pairs were not there (each veth has one peer: they are no one else's).
    const rest = new Map<Handle, Interface[]>();
    const subset = handles.map((h) => {
      const ifaces = settled.size === 0 ? h.ns.interfaces : h.ns.interfaces.filter((i) => !settled.has(i));
      rest.set(h, ifaces);
      return ifaces === h.ns.interfaces ? h.ns : { ...h.ns, interfaces: ifaces };
    });
    resolvePeers(subset);
    const ambiguous = ambiguousNamespaces(subset);
    if (ambiguous.length === 0) {
      return;
    }
    const maps = this.nsidMaps(handles, rest, ambiguous);
    resolvePeers(subset, maps);
    const byName = new Map<NetnsRef, Handle>(handles.map((h) => [h.ns.name, h]));
    for (const [from, m] of maps) {
      const x = byName.get(from)?.cookie;
      for (const [nsid, to] of m) {
        const y = byName.get(to)?.cookie;
        if (x !== undefined && y !== undefined) {
          this.known.learn(x, nsid, y);
        }
      }
    }
  }

  /** The nsid under which the socket's namespace knows the namespace behind fd; -1 for none. */
  private nsidOf(sock: NetlinkSocket, fd: number): number {
    this.nsidReq.writeUInt32LE(fd, NSID_FD_OFFSET);
    return sock.request(this.nsidReq, (buf, m) => (m.type === RTM_NEWNSID ? parseNsid(buf, m) : -1));
  }

  /**
   * nsid -> namespace maps for the namespaces whose veth peers could not be matched by ifindex
   * alone. For each such veth, the peer link is fetched through the nsid (name and address narrow
   * the candidates), and each candidate is checked by asking the namespace which nsid it gives the
   * candidate's namespace: only exact answers go into the maps. Asking only about candidates keeps
   * this linear in the number of veths rather than quadratic in the number of namespaces.
   */
  private nsidMaps(handles: Handle[], rest: Map<Handle, Interface[]>, ambiguous: NetnsRef[]): NsidMaps {
    const maps: NsidMaps = new Map();
    const put = (from: NetnsRef, nsid: number, to: NetnsRef) => {
      let m = maps.get(from);
      if (!m) {
        maps.set(from, (m = new Map()));
      }
      m.set(nsid, to);
    };
    const byRef = new Map<NetnsRef, Handle>(handles.map((h) => [h.ns.name, h]));
    // Remote veth ends by "ifindex:peerIfindex", and by that plus name and mac for big groups.
    const index = new Map<string, Candidate[]>();
    const fine = new Map<string, Candidate[]>();
    const add = (map: Map<string, Candidate[]>, k: string, c: Candidate) => {
      const list = map.get(k);
      if (list) {
        list.push(c);
      } else {
        map.set(k, [c]);
      }
    };
    for (const h of handles) {
      for (const iface of rest.get(h) ?? []) {
        if (isRemoteVeth(iface)) {
          const k = `${iface.ifindex}:${iface.peer!.ifindex}`;
          add(index, k, { h, iface });
          add(fine, `${k}:${iface.name}:${iface.mac ?? ''}`, { h, iface });
        }
      }
    }
    for (const ref of ambiguous) {
      const h = byRef.get(ref);
      if (!h || h.ns.error) {
        continue;
      }
      for (const iface of rest.get(h) ?? []) {
        if (!isRemoteVeth(iface)) {
          continue;
        }
        const nsid = iface.peer!.linkNetnsid!;
        if (maps.get(ref)?.has(nsid)) {
          continue;
        }
        const k = `${iface.peer!.ifindex}:${iface.ifindex}`;
        let cands = index.get(k) ?? [];
        if (cands.length === 0 || !this.ensureSocket(h)) {
          continue;
        }
        if (cands.length > 2) {
          // Fetch the real peer through the nsid: its name and mac single out the candidate.
          const peer = this.linkThroughNsid(h.sock!, iface.peer!.ifindex, nsid);
          if (peer) {
            cands = fine.get(`${k}:${peer.name}:${peer.mac ?? ''}`) ?? [];
          }
        }
        for (const c of cands) {
          if (c.h === h) {
            continue;
          }
          if (!this.ensureFd(c.h, h)) {
            continue;
          }
          let id: number;
          try {
            id = this.nsidOf(h.sock!, c.h.fd);
          } catch {
            continue;
          }
          if (id === nsid) {
            put(ref, nsid, c.h.ns.name);
            // The peer points back here: its nsid names this namespace.
            put(c.h.ns.name, c.iface.peer!.linkNetnsid!, ref);
            break;
          }
        }
      }
    }
    return maps;
  }

  /**
   * Veth peers in a namespace without a name (a container's, or one whose name was deleted while
   * processes kept it alive): found among the namespaces of processes, by asking each namespace
   * with such a veth which nsid it gives them, and given that namespace's inode and the peer's name.
   */
  private placeUnnamedPeers(handles: Handle[]): void {
    const unplaced = (h: Handle) =>
      h.ns.error ? [] : h.ns.interfaces.filter((i) => isRemoteVeth(i) && i.peer!.netns === undefined && i.peer!.netnsInode === undefined);
    const waiting = handles.filter((h) => unplaced(h).length > 0);
    if (waiting.length === 0) {
      return;
    }
    const read = new Set(handles.map((h) => h.ns.inode));
    const candidates = [...processNetnsInodes()].filter(([inode]) => !read.has(inode));
    if (candidates.length === 0) {
      return;
    }
    // A namespace with a name that this read did not include is not unnamed (only those names are
    // looked up: a full read included them all).
    const readNames = new Set(handles.map((h) => h.ns.name));
    const named = new Set(
      listNetnsNames()
        .filter((n) => !readNames.has(n))
        .map((n) => netnsInode(n)),
    );
    const byNsid = new Map<Handle, Map<number, number>>(waiting.map((h) => [h, new Map()]));
    for (const [inode, pid] of candidates) {
      if (named.has(inode)) {
        continue;
      }
      const opened = openNetnsFile(`/proc/${pid}/ns/net`, inode);
      if (!opened) {
        continue; // exited meanwhile
      }
      try {
        for (const h of waiting) {
          if (!this.ensureSocket(h)) {
            continue;
          }
          try {
            const nsid = this.nsidOf(h.sock!, opened.fd);
            if (nsid >= 0) {
              byNsid.get(h)!.set(nsid, inode);
            }
          } catch {
            // this namespace cannot be asked; its peers stay unplaced
          }
        }
      } finally {
        fs.closeSync(opened.fd);
      }
    }
    for (const h of waiting) {
      for (const iface of unplaced(h)) {
        const nsid = iface.peer!.linkNetnsid!;
        const inode = byNsid.get(h)!.get(nsid);
        if (inode === undefined) {
          continue;
        }
        iface.peer!.netnsInode = inode;
        const peer = this.ensureSocket(h) ? this.linkThroughNsid(h.sock!, iface.peer!.ifindex, nsid) : undefined;
        if (peer) {
          iface.peer!.name = peer.name;
        }
      }
    }
  }

  /** The link with this ifindex in the namespace the socket knows as nsid (name and mac only). */
  private linkThroughNsid(sock: NetlinkSocket, ifindex: number, nsid: number): Interface | undefined {
    try {
      const link = sock.request(linkInNsidRequest(ifindex, nsid), (buf, m) => (m.type === RTM_NEWLINK ? parseLink(buf, m) : undefined));
      return link ? buildInterfaces([link], [])[0] : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Opens h's namespace again after its dumps (to ask or be asked about nsids); `inUse` is a handle
   * the caller still needs open. Only reopenMax stay open at a time, the oldest let go first,
   * so a first read of ten thousand namespaces does not run out of files.
   */
  private ensureFd(h: Handle, inUse?: Handle): boolean {
    if (h.fd >= 0) {
      return true;
    }
    if (h.ns.error || this.openNetns(h) === undefined) {
      return false;
    }
    this.reopened(h, inUse);
    return true;
  }

  private ensureSocket(h: Handle): boolean {
    if (h.sock) {
      return true;
    }
    if (!this.ensureFd(h)) {
      return false;
    }
    try {
      h.sock = this.socket(h.fd, true);
      return true;
    } catch {
      return false;
    }
  }

  private reopened(h: Handle, inUse?: Handle): void {
    const open = this.reopenedHandles;
    open.push(h);
    while (open.length > this.reopenMax) {
      const i = open.findIndex((x) => x !== h && x !== inUse);
      this.release(open.splice(i, 1)[0]);
    }
  }

  private release(h: Handle): void {
    if (h.borrowed) {
      return;
    }
    h.sock?.close();
    h.sock = undefined;
    if (h.fd >= 0) {
      fs.closeSync(h.fd);
      h.fd = -1;
    }
  }
}

/** What a namespace's captured answers say. */
function parseContents(bytes: Buffer): RawContents {
  const raw: RawContents = { links: [], addrs: [], routes: [], forwarding: { ipv4: false, ipv6: false } };
  for (const m of splitMessages(bytes)) {
    switch (m.seq) {
      case SEQ_NETCONF4:
      case SEQ_NETCONF6:
        // A family the namespace does not have (IPv6 disabled) answers with an error: off.
        if (m.type === RTM_NEWNETCONF) {
          try {
            raw.forwarding[m.seq === SEQ_NETCONF4 ? 'ipv4' : 'ipv6'] = parseNetconfForwarding(bytes, m) ?? false;
          } catch {
            // unreadable: shown as off
          }
        }
        break;
      case SEQ_LINKS:
        if (m.type === RTM_NEWLINK) {
          raw.links.push(parseLink(bytes, m));
        }
        break;
      case SEQ_ADDRS:
        if (m.type === RTM_NEWADDR) {
          const a = parseAddr(bytes, m);
          if (a) {
            raw.addrs.push(a);
          }
        }
        break;
      case SEQ_MAIN_ROUTES:
      case SEQ_ROUTES:
        if (m.type === RTM_NEWROUTE) {
          const r = parseRoute(bytes, m);
          if (r) {
            raw.routes.push(r);
          }
        }
        break;
    }
  }
  return raw;
}

/** The model of a namespace's contents, made anew from its answers (each read's own objects). */
function fromRaw(raw: RawContents): Pick<Namespace, 'interfaces' | 'routes' | 'forwarding'> {
  const interfaces = buildInterfaces(raw.links, raw.addrs);
  if (raw.netem) {
    for (const i of interfaces) {
      const netem = raw.netem.get(i.ifindex);
      if (netem) {
        i.netem = { ...netem };
      }
    }
  }
  const names = new Map(interfaces.map((i) => [i.ifindex, i.name]));
  return { interfaces, routes: buildRoutes(raw.routes, (i) => names.get(i)), forwarding: { ...raw.forwarding } };
}

interface Candidate {
  h: Handle;
  iface: Interface;
}

function isRemoteVeth(iface: Interface): boolean {
  return iface.kind === 'veth' && iface.peer !== undefined && iface.peer.linkNetnsid !== undefined;
}

/**
 * The files a read may hold open (an fd and a socket per namespace): half of what the open-file
 * limit leaves after a margin for the rest of the helper. The other half is for a kernel watcher
 * that cannot share the reader's change hub and opens a socket in each namespace.
 */
function readFiles(): number {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    if (Number.isFinite(soft)) {
      return Math.max(0, Math.floor((soft - 256) / 2));
    }
  } catch {
    // fall through
  }
  return 512;
}

export interface ReaderOptions {
  files?: number;
  hubSize?: number;
}

/** The fast reader; throws, saying why, where it cannot work (no koffi, not root...). */
export function createNetlinkReader(options?: ReaderOptions): NetlinkReader {
  return new NetlinkReader(options);
}

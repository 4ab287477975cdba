// Reports what changed so the extension refreshes only that: names added to or removed from
// /run/netns, link, address or route changes inside each namespace (root included), and processes
// starting or ending (the kernel's process connector, throttled).
//
// Link, address, route, qdisc and netconf (forwarding) notifications of every namespace: the fast
// reader's change hub where the watcher shares it (one socket for all; changeHub.ts), else a
// NETLINK_ROUTE socket of its own per namespace, opened inside it with setns. They sit in one epoll
// set that a koffi async call waits on from a worker thread. Nothing runs while nothing changes:
// no timer polls. An eventfd in the set wakes the waiter for dispose().

import * as fs from 'node:fs';
import type { NetnsRef } from '../../core/model';
import { MODEL_GROUPS, ROOT_KEY, type SharedChanges, type SharingWatcher } from '../reader/keptNamespaces';
import { listNetnsNames, netnsPath } from '../netnsDir';
import { netlinkAddr,
  AF_NETLINK,
  check,
  EINTR,
  EFD_CLOEXEC,
  EFD_NONBLOCK,
  EPOLL_CLOEXEC,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_SIZE,
  EPOLLIN,
  EPOLLONESHOT,
  emptySocket,
  epollSet,
  HomeNetns,
  loadLibc,
  NETLINK_ROUTE,
  openNetnsFile,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  type Libc,
} from '../reader/libc';
import { watchNetnsDirEntries } from './netnsDirWatch';
import { ProcessEventSocket } from './processEvents';
import type { ChangeSink } from './watching';

export interface KernelWatcherOptions {
  /** Changes closer together than this are reported as one event (ms). */
  coalesceMs?: number;
  /** The fast reader's change hub, used instead of a socket per namespace. */
  sockets?: SharedChanges;
}

/** A namespace being watched, and the inode it had when its watch began. */
interface Watched {
  ref: NetnsRef;
  inode: number;
  /** Its own socket and that socket's key in the epoll set (never reused, unlike fd numbers); -1 and 0 when the hub hears it. */
  sock: number;
  token: number;
  /** Kept by the reader, whose hub hears it (the reader lets it go after telling the watcher). */
  shared: boolean;
  /** Let go by the watcher itself. */
  gone?: boolean;
}

const keyOf = (ref: NetnsRef): string => ref ?? ROOT_KEY;

const MAX_EVENTS = 64;
/** `ip netns add` creates the file before mounting the namespace on it: look again shortly. */
const MOUNT_RETRY_MS = 20;
const MOUNT_RETRIES = 50;
const EVENTFD_TOKEN = 0;
const PROCESS_TOKEN = 0xffffffff;
const HUB_TOKEN = 0xfffffffe;
/**
 * Process changes are reported at most this often (ms), so a shell loop of short processes does
 * not flood the client; until then the process socket is not even waited on (EPOLLONESHOT, armed
 * again at the report), and the kernel queues the events or drops them when its buffer fills.
 * Processes that started and ended between two reports are no change (see ProcessChanges).
 */
export const PROCESS_INTERVAL_MS = 120;
/**
 * Under churn that goes on (a build, a shell loop) reports slow down to one per this many ms after
 * a second, since each makes the client read every process list again; a quiet CHURN_GAP_MS ends it.
 */
export const PROCESS_CHURN_INTERVAL_MS = 500;
const CHURN_AFTER_MS = 1000;
/** A process must have lived this long (ms) to be reported as started: shorter ones come and go unseen. */
const PROCESS_MIN_AGE_MS = 80;
/** No process event for this long after the socket was armed again: the churn is over. */
const CHURN_GAP_MS = 2 * PROCESS_INTERVAL_MS;

export class KernelWatcher implements SharingWatcher {
  private readonly libc: Libc;
  /** The reader's change hub and kept namespaces, when this watcher shares them. */
  private readonly sockets?: SharedChanges;
  private root?: Watched;
  private readonly home: HomeNetns;
  private readonly epfd: number;
  private readonly evfd: number;
  private readonly events = Buffer.alloc(MAX_EVENTS * EPOLL_EVENT_SIZE);
  /** For collectReady(), on the main thread while the waiting thread fills `events`. */
  private readonly readyEvents = Buffer.alloc(MAX_EVENTS * EPOLL_EVENT_SIZE);
  private readonly drainBuf = Buffer.alloc(64 * 1024);
  private readonly byToken = new Map<number, Watched>();
  private readonly byName = new Map<string, Watched>();
  private nextToken = 1;
  /** What each name in /run/netns was at the last look: its namespace's inode, or "?" while nothing is mounted on it. */
  private readonly namesSeen = new Map<string, number | '?'>();
  /** Names the folder reported changes of since the last look; all of them when `syncAll`. */
  private readonly pendingNames = new Set<string>();
  private syncAll = true;
  private readonly stopDir: () => void;
  private disposed = false;
  private waiting = false;
  private closed = false;
  /** The epoll wait failed: kernel events stopped, only /run/netns is still watched. */
  private failed = false;
  private readonly coalesceMs: number;
  private readonly changed = new Set<NetnsRef>();
  private namesChanged = false;
  /** Since the last report: each name that appeared (or was replaced) or vanished, the last change winning. */
  private readonly nameChanges = new Map<string, 'added' | 'removed'>();
  /** Set when a report must say "any name may have changed" (the epoll wait failed). */
  private namesUnknown = false;
  private processesChanged = false;
  private lastProcessFlush = 0;
  /** When the current run of process events began (none more than CHURN_GAP_MS after its socket was armed). */
  private processBurstStart = 0;
  private processArmedAt = 0;
  /** Undefined when the kernel's process connector could not be used. */
  private readonly processSocket?: ProcessEventSocket;
  private flushTimer?: NodeJS.Timeout;
  /** When flushTimer fires (Date.now() time). */
  private flushDue = 0;
  /** Set while waiting to look again at processes too young to tell about. */
  private processRetry?: NodeJS.Timeout;
  private syncTimer?: NodeJS.Timeout;
  private mountRetries = 0;
  /** Set after the first look at /run/netns, which is the baseline rather than a change. */
  private started = false;

  constructor(
    private readonly sink: ChangeSink,
    options: KernelWatcherOptions = {},
    log: (line: string) => void = () => undefined,
  ) {
    this.coalesceMs = options.coalesceMs ?? 30;
    this.libc = loadLibc();
    this.home = new HomeNetns(this.libc);
    this.epfd = check(this.libc, 'epoll_create1', this.libc.epoll_create1(EPOLL_CLOEXEC));
    this.evfd = check(this.libc, 'eventfd', this.libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    this.epollAdd(this.evfd, EVENTFD_TOKEN);
    this.sockets = options.sockets?.share(this) ? options.sockets : undefined;
    try {
      if (this.sockets) {
        this.epollAdd(this.sockets.fd, HUB_TOKEN);
      }
      this.root = this.watch(null, this.home.inode, this.home.fd, false);
      this.syncNames();
      this.processSocket = this.openProcessEvents(log);
      this.started = true;
    } catch (e) {
      this.closeAll();
      throw e;
    }
    this.stopDir = watchNetnsDirEntries((name) => {
      this.mountRetries = 0; // new activity: give a name just created time to be mounted
      if (name === undefined) {
        this.syncAll = true;
      } else {
        this.pendingNames.add(name);
      }
      this.scheduleSync(5);
    });
    this.wait();
  }

  private openProcessEvents(log: (line: string) => void): ProcessEventSocket | undefined {
    try {
      const s = new ProcessEventSocket(this.libc);
      this.epollAdd(s.fd, PROCESS_TOKEN, EPOLLONESHOT);
      return s;
    } catch (e) {
      log(`process events unavailable, process lists are read when the view is shown or refreshed: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** True when process starts and exits are reported (the kernel's process connector is in use). */
  get processEvents(): boolean {
    return this.processSocket !== undefined && !this.failed;
  }

  /** Namespaces being watched (null = root), for tests and logs. */
  watched(): NetnsRef[] {
    return [this.root, ...this.byName.values()].filter((w) => w !== undefined).map((w) => w.ref);
  }

  /** False once waiting for kernel events failed (then only /run/netns changes are reported). */
  get kernelEvents(): boolean {
    return !this.failed;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.stopDir();
    clearTimeout(this.flushTimer);
    clearTimeout(this.processRetry);
    clearTimeout(this.syncTimer);
    if (this.waiting) {
      // The waiter closes everything once it is back on the main thread.
      const one = Buffer.alloc(8);
      one.writeBigUInt64LE(1n);
      this.libc.write(this.evfd, one, 8);
    } else {
      this.closeAll();
    }
  }

  // ---- the epoll loop ------------------------------------------------------------------------

  private wait(): void {
    if (this.disposed) {
      this.closeAll();
      return;
    }
    this.waiting = true;
    this.libc.epoll_wait.async(this.epfd, this.events, MAX_EVENTS, -1, (err, n) => {
      this.waiting = false;
      if (this.disposed) {
        this.closeAll();
        return;
      }
      if (err || (n < 0 && this.libc.errno() !== EINTR)) {
        // The epoll set is unusable: waiting again would spin. Ask for a full refresh and stop;
        // /run/netns is still watched.
        this.failed = true;
        this.namesChanged = true;
        this.namesUnknown = true;
        this.scheduleFlush();
        return;
      }
      for (let i = 0; i < n; i++) {
        const token = this.events.readUInt32LE(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
        if (token === EVENTFD_TOKEN) {
          this.libc.read(this.evfd, this.drainBuf, 8);
        } else if (this.ready(token)) {
          this.scheduleFlush();
        }
      }
      // After EINTR too: wait again.
      this.wait();
    });
  }

  /** One socket the epoll set found readable; true when it told of a change. */
  private ready(token: number): boolean {
    if (token === PROCESS_TOKEN) {
      if (Date.now() - this.processArmedAt > CHURN_GAP_MS) {
        this.processBurstStart = Date.now(); // after a quiet while: a new run begins
      }
      // Whether they add up to a change is decided at the report (see scheduleFlush), which
      // also arms the socket again: until then the kernel queues what comes.
      this.processSocket?.drain(this.drainBuf);
      this.processesChanged = true;
      return true;
    }
    if (token === HUB_TOKEN) {
      const before = this.changed.size;
      this.sockets?.drain(); // each namespace it heard from comes back through heard()
      return this.changed.size > before;
    }
    const w = this.byToken.get(token);
    if (w && emptySocket(this.libc, w.sock, this.drainBuf, w.ref === null)) {
      this.changed.add(w.ref);
      return true;
    }
    return false;
  }

  /**
   * Just before a report: whatever else is readable now goes in it. The waiting thread hands its
   * wakeups to the main thread, which may be busy (a read) while a timer is due, so the second
   * half of one change (a veth moved: its old namespace, then its new one) could otherwise miss
   * the report and the client would read the first half alone. A wait of 0 ms, on the main
   * thread; the eventfd is left for the waiting thread.
   */
  private collectReady(): void {
    const n = this.libc.epoll_wait(this.epfd, this.readyEvents, MAX_EVENTS, 0);
    for (let i = 0; i < n; i++) {
      const token = this.readyEvents.readUInt32LE(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
      if (token !== EVENTFD_TOKEN) {
        this.ready(token);
      }
    }
  }

  private scheduleFlush(now = false): void {
    // Process changes alone wait until PROCESS_INTERVAL_MS after the last report of them; a
    // namespace or name change that comes meanwhile does not wait with them (the processes go
    // along in its report).
    const onlyProcesses = this.changed.size === 0 && !this.namesChanged;
    const wait = now ? 0 : onlyProcesses ? Math.max(this.coalesceMs, this.lastProcessFlush + this.processInterval() - Date.now()) : this.coalesceMs;
    if (this.flushTimer) {
      if (Date.now() + wait >= this.flushDue) {
        return;
      }
      clearTimeout(this.flushTimer);
    }
    this.flushDue = Date.now() + wait;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.disposed) {
        return;
      }
      this.collectReady();
      if (this.processesChanged && this.processSocket) {
        // What came meanwhile (the socket is not waited on until this report): processes that
        // started and ended since the last report cancel out, and are no change.
        this.processSocket.drain(this.drainBuf);
        const { changed, retryMs } = this.processSocket.changes.take(process.hrtime.bigint(), PROCESS_MIN_AGE_MS);
        if (!changed) {
          this.processesChanged = false;
          if (retryMs !== undefined) {
            // A process too young to tell whether it stays: look again once it is old enough
            // (the socket stays unwatched; the kernel queues what comes).
            this.processRetry = setTimeout(() => {
              this.processRetry = undefined;
              this.processesChanged = true;
              this.scheduleFlush(true);
            }, retryMs);
          } else {
            this.lastProcessFlush = Date.now(); // looked: the next look keeps to the interval
            this.armProcessSocket();
          }
        }
      }
      if (this.changed.size === 0 && !this.namesChanged && !this.processesChanged) {
        return;
      }
      // A name deleted is reported as gone, not as changed: the hub still hears its namespace
      // (being torn down, or kept by a process) until the name's removal is seen.
      const netns = [...this.changed].filter((ref) => ref === null || this.namesSeen.has(ref));
      const e: Parameters<ChangeSink>[0] = { netns, names: this.namesChanged, processes: this.processesChanged };
      if (this.namesChanged && !this.namesUnknown && this.nameChanges.size > 0) {
        e.added = [...this.nameChanges].filter(([, c]) => c === 'added').map(([n]) => n);
        e.removed = [...this.nameChanges].filter(([, c]) => c === 'removed').map(([n]) => n);
      }
      this.nameChanges.clear();
      this.namesUnknown = false;
      if (this.processesChanged) {
        this.lastProcessFlush = Date.now();
        this.armProcessSocket();
      }
      this.changed.clear();
      this.namesChanged = false;
      this.processesChanged = false;
      this.sink(e);
    }, wait);
  }

  // ---- namespaces coming and going -------------------------------------------------------------

  private scheduleSync(ms: number): void {
    if (this.disposed) {
      return;
    }
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.syncNames();
    }, ms);
  }

  /**
   * Opens sockets for new namespaces, closes those of vanished or replaced ones: every name at the
   * first look (or when the folder cannot say which names changed), else only the names it
   * reported, so an `ip netns add` costs the same among ten namespaces as among ten thousand.
   */
  private syncNames(): void {
    if (this.disposed) {
      return;
    }
    const all = this.syncAll;
    let names: string[];
    let changed = false;
    if (all) {
      names = listNetnsNames();
      const present = new Set(names);
      for (const name of [...this.namesSeen.keys()]) {
        if (!present.has(name)) {
          this.forget(name);
          this.noteName(name, 'removed');
          changed = true;
        }
      }
    } else {
      names = [...this.pendingNames];
    }
    this.syncAll = false;
    this.pendingNames.clear();
    const unmounted: string[] = [];
    let unmountedChanged = false;
    for (const name of names) {
      const before = this.namesSeen.get(name);
      const now = this.syncName(name);
      if (now === '?') {
        unmounted.push(name);
        unmountedChanged ||= before !== '?';
        if (typeof before === 'number') {
          // Its namespace was unmounted (`ip netns del` between umount and unlink): gone now. The
          // retries below forget what was seen, so a removal not noted here is never reported.
          changed = true;
          this.noteName(name, 'removed');
        }
      } else if (now !== before) {
        changed = true;
        this.noteName(name, now === undefined ? 'removed' : 'added');
      }
    }
    if (unmounted.length > 0 && this.mountRetries < MOUNT_RETRIES) {
      // Most likely `ip netns add` between creating the file and mounting on it: report the name
      // once it is a namespace, so a refresh does not show it broken for a moment (the other
      // changes go now).
      this.mountRetries++;
      unmounted.forEach((n) => {
        this.pendingNames.add(n);
        this.namesSeen.delete(n);
      });
      this.scheduleSync(MOUNT_RETRY_MS);
    } else if (unmountedChanged) {
      // Given up waiting for a mount: shown as it is (a file that is not a namespace).
      changed = true;
      unmounted.forEach((n) => this.noteName(n, 'added'));
    }
    if (changed && this.started) {
      this.namesChanged = true;
      this.scheduleFlush();
    }
  }

  private noteName(name: string, change: 'added' | 'removed'): void {
    if (this.started) {
      this.nameChanges.set(name, change);
    }
  }

  /** Looks at one name: its namespace watched (again, if it was replaced), or forgotten when gone. */
  private syncName(name: string): number | '?' | undefined {
    let opened: ReturnType<typeof openNetnsFile>;
    try {
      opened = openNetnsFile(netnsPath(name));
    } catch {
      opened = undefined;
    }
    if (!opened) {
      const gone = !fs.existsSync(netnsPath(name));
      this.forget(name);
      if (gone) {
        return undefined;
      }
      this.namesSeen.set(name, '?');
      return '?';
    }
    try {
      this.namesSeen.set(name, opened.inode);
      const w = this.byName.get(name);
      if (w && w.inode === opened.inode) {
        return opened.inode;
      }
      if (w) {
        this.unwatch(w);
        this.byName.delete(name);
      }
      try {
        this.byName.set(name, this.watch(name, opened.inode, opened.fd, true));
      } catch {
        // Vanished between open and setns, or cannot be entered: the next change says more.
      }
      return opened.inode;
    } finally {
      fs.closeSync(opened.fd);
    }
  }

  private forget(name: string): void {
    this.namesSeen.delete(name);
    const w = this.byName.get(name);
    if (w) {
      this.unwatch(w);
      this.byName.delete(name);
    }
  }

  private watch(ref: NetnsRef, inode: number, nsFd: number, enter: boolean): Watched {
    if (this.sockets?.keep(keyOf(ref), inode, nsFd)) {
      return { ref, inode, sock: -1, token: 0, shared: true };
    }
    const type = SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK;
    const sock = enter ? this.home.socketIn(nsFd, type, NETLINK_ROUTE) : check(this.libc, 'socket', this.libc.socket(AF_NETLINK, type, NETLINK_ROUTE));
    try {
      const addr = netlinkAddr(MODEL_GROUPS);
      check(this.libc, 'bind', this.libc.bind(sock, addr, addr.length));
      return this.track({ ref, inode, sock, token: this.nextToken++, shared: false });
    } catch (e) {
      this.libc.close(sock);
      throw e;
    }
  }

  /** Puts a namespace's own socket in the epoll set. */
  private track(w: Watched): Watched {
    this.epollAdd(w.sock, w.token);
    this.byToken.set(w.token, w);
    return w;
  }

  /** The namespace watched under the reader's key. */
  private watchedAt(key: string): Watched | undefined {
    return key === ROOT_KEY ? this.root : this.byName.get(key);
  }

  private unwatch(w: Watched): void {
    w.gone = true;
    if (w.shared) {
      this.sockets!.forget(keyOf(w.ref)); // closing() then finds it gone
    } else if (this.byToken.delete(w.token)) {
      this.libc.epoll_ctl(this.epfd, EPOLL_CTL_DEL, w.sock, null);
      this.libc.close(w.sock);
    }
  }

  heard(key: string): void {
    const w = this.watchedAt(key);
    if (w?.shared && !this.closed) {
      this.changed.add(w.ref);
      this.scheduleFlush();
    }
  }

  /**
   * The reader lets go of a shared namespace: when its name is gone or names another namespace,
   * after a read that failed there, or at its end. The name is looked at again, and watched again
   * if it still stands for a namespace; a gone one is reported as such.
   */
  closing(key: string): void {
    const w = this.watchedAt(key);
    if (!w?.shared || w.gone || this.closed) {
      return;
    }
    w.gone = true;
    if (w === this.root) {
      this.root = undefined;
      setImmediate(() => {
        if (!this.closed && !this.root) {
          try {
            this.root = this.watch(null, this.home.inode, this.home.fd, false);
          } catch {
            // no socket to be had (the file limit): the next names change tries nothing more, but
            // the namespaces' own sockets still report
          }
        }
      });
      return;
    }
    this.byName.delete(key);
    this.pendingNames.add(key);
    this.scheduleSync(5);
  }

  private epollAdd(fd: number, token: number, flags = 0, op = EPOLL_CTL_ADD): void {
    check(this.libc, 'epoll_ctl', epollSet(this.libc, this.epfd, fd, EPOLLIN | flags, token, op));
  }

  /** How long after the last process report the next may go out. */
  private processInterval(): number {
    return Date.now() - this.processBurstStart >= CHURN_AFTER_MS ? PROCESS_CHURN_INTERVAL_MS : PROCESS_INTERVAL_MS;
  }

  /** Waits for the next process event (the socket is one-shot: see PROCESS_INTERVAL_MS). */
  private armProcessSocket(): void {
    if (this.processSocket && !this.closed) {
      this.processArmedAt = Date.now();
      this.epollAdd(this.processSocket.fd, PROCESS_TOKEN, EPOLLONESHOT, EPOLL_CTL_MOD);
    }
  }

  private closeAll(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.sockets?.unshare(this);
    for (const w of this.byToken.values()) {
      if (!w.shared) {
        this.libc.close(w.sock);
      }
    }
    this.processSocket?.close();
    this.byToken.clear();
    this.byName.clear();
    this.libc.close(this.epfd);
    this.libc.close(this.evfd);
    this.home.dispose();
  }
}

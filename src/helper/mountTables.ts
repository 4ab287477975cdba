// The nsfs mounts of each mount namespace's table, read again only after the table changed. The
// kernel writes /proc/PID/mountinfo out mount by mount on every read, so with ten thousand names
// in /run/netns (a mount each) one read costs tens of milliseconds, and the process list reads it
// on every burst of process events. An open mountinfo file reports a mount or unmount in its
// namespace as a priority event (proc(5)): each table is kept open in an epoll set and asked,
// without waiting, whether it changed. Without koffi (no epoll) every read reads the file.

import * as fs from 'node:fs';
import { parseNsfsMounts, type NsfsMount } from './pure/nsfs';
import type { Libc } from './reader/libc';

const EPOLLPRI = 0x2;
const EPOLLERR = 0x8;
const MAX_EVENTS = 64;

interface Table {
  fd: number;
  token: number;
  mounts: NsfsMount[];
}

export class MountTables {
  private readonly tables = new Map<string, Table>();
  private readonly dirty = new Set<number>();
  private nextToken = 1;
  private readonly events: Buffer;

  private constructor(
    private readonly libc: Libc,
    private readonly epfd: number,
    private readonly eventSize: number,
    private readonly dataOffset: number,
  ) {
    this.events = Buffer.alloc(MAX_EVENTS * eventSize);
  }

  /** Undefined when epoll cannot be used here (koffi missing): read the files every time then. */
  static open(): MountTables | undefined {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const c = require('./reader/libc') as typeof import('./reader/libc');
      const libc = c.loadLibc();
      const epfd = libc.epoll_create1(c.EPOLL_CLOEXEC);
      return epfd < 0 ? undefined : new MountTables(libc, epfd, c.EPOLL_EVENT_SIZE, c.EPOLL_DATA_OFFSET);
    } catch {
      return undefined;
    }
  }

  /**
   * The nsfs mounts of the mount namespace `key` (its /proc/PID/ns/mnt link), read through `pid`
   * (a process in it, or "self") when it is new or changed since the last read.
   */
  get(key: string, pid: string): NsfsMount[] {
    this.collect();
    const t = this.tables.get(key);
    if (t && !this.dirty.has(t.token)) {
      return t.mounts;
    }
    if (t) {
      this.drop(key, t);
    }
    let fd: number;
    try {
      fd = fs.openSync(`/proc/${pid}/mountinfo`, 'r');
    } catch {
      return []; // gone
    }
    // Watched before it is read: a change during the read makes the next look read it again.
    const token = this.nextToken++;
    const ev = Buffer.alloc(this.eventSize);
    ev.writeUInt32LE(EPOLLPRI, 0);
    ev.writeUInt32LE(token, this.dataOffset);
    const watched = this.libc.epoll_ctl(this.epfd, 1 /* EPOLL_CTL_ADD */, fd, ev) === 0;
    let mounts: NsfsMount[];
    try {
      mounts = parseNsfsMounts(fs.readFileSync(fd, 'utf8'));
    } catch {
      fs.closeSync(fd);
      return []; // gone
    }
    if (watched) {
      this.tables.set(key, { fd, token, mounts });
    } else {
      fs.closeSync(fd);
    }
    return mounts;
  }

  /** Closes the tables of mount namespaces not in `keep` (no process found in them any more). */
  prune(keep: Set<string>): void {
    for (const [key, t] of this.tables) {
      if (!keep.has(key)) {
        this.drop(key, t);
      }
    }
  }

  /** Notes which tables changed since the last look (each change is reported once). */
  private collect(): void {
    for (;;) {
      const n = this.libc.epoll_wait(this.epfd, this.events, MAX_EVENTS, 0);
      for (let i = 0; i < n; i++) {
        const what = this.events.readUInt32LE(i * this.eventSize);
        if (what & (EPOLLPRI | EPOLLERR)) {
          this.dirty.add(this.events.readUInt32LE(i * this.eventSize + this.dataOffset));
        }
      }
      if (n < MAX_EVENTS) {
        return;
      }
    }
  }

  private drop(key: string, t: Table): void {
    this.libc.epoll_ctl(this.epfd, 2 /* EPOLL_CTL_DEL */, t.fd, null);
    fs.closeSync(t.fd);
    this.dirty.delete(t.token);
    this.tables.delete(key);
  }
}

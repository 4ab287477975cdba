// The kernel's process connector (NETLINK_CONNECTOR, CN_IDX_PROC): messages sent to every listener
// in the initial network namespace when a process forks, execs or exits (root only). Only what
// changes which processes exist counts: a new or ended thread group, or an exec (which is when a
// process that entered a namespace with setns, as `ip netns exec` does, becomes what it runs).

export const NETLINK_CONNECTOR = 11;
export const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;

const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
/** Where struct proc_event starts in a message: after nlmsghdr and cn_msg. */
const EVENT = NLMSG_HDRLEN + CN_MSG_LEN;
/** struct proc_event: what (u32), cpu (u32), timestamp_ns (u64), then the event's data. */
const DATA = EVENT + 16;

export const PROC_EVENT_FORK = 0x00000001;
export const PROC_EVENT_EXEC = 0x00000002;
export const PROC_EVENT_EXIT = 0x80000000;

/** The request that subscribes a bound connector socket to process events. */
export function listenRequest(portId: number): Buffer {
  const b = Buffer.alloc(EVENT + 4);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(portId, 12);
  b.writeUInt32LE(CN_IDX_PROC, NLMSG_HDRLEN);
  b.writeUInt32LE(CN_VAL_PROC, NLMSG_HDRLEN + 4);
  b.writeUInt16LE(4, NLMSG_HDRLEN + 16); // cn_msg.len: the u32 that follows
  b.writeUInt32LE(PROC_CN_MCAST_LISTEN, EVENT);
  return b;
}

/**
 * What the process events since the last report add up to. A process that started and ended
 * between two reports (a shell loop's /bin/true, `ip` run by a script) changes no process list, so
 * it is not a change; a process that is still there after `minAgeMs`, one that existed before and
 * ended, or one that existed before and ran another program (exec) is. A process younger than that
 * is looked at again a little later: a loop of short processes nearly always has one in flight.
 */
export class ProcessChanges {
  /** Processes started since the last report, with the kernel's time of their fork (ns, monotonic); their exits cancel them out. */
  private readonly born = new Map<number, bigint>();
  private other = false;

  /** Adds the events in `n` bytes of `buf`. */
  add(buf: Buffer, n: number): void {
    for (let off = 0; off + DATA + 8 <= n; ) {
      const len = buf.readUInt32LE(off);
      if (len < NLMSG_HDRLEN) {
        break;
      }
      const what = buf.readUInt32LE(off + EVENT);
      const d = off + DATA;
      if (what === PROC_EVENT_FORK && off + DATA + 16 <= n) {
        const child = buf.readUInt32LE(d + 8);
        if (child === buf.readUInt32LE(d + 12)) {
          this.born.set(child, buf.readBigUInt64LE(off + EVENT + 8));
        }
      } else if (what === PROC_EVENT_EXEC) {
        if (!this.born.has(buf.readUInt32LE(d + 4))) {
          this.other = true;
        }
      } else if (what === PROC_EVENT_EXIT) {
        const pid = buf.readUInt32LE(d + 4);
        if (buf.readUInt32LE(d) === pid && !this.born.delete(pid)) {
          this.other = true;
        }
      }
      off += (len + 3) & ~3;
    }
  }

  /** Events were lost (the socket's buffer overflowed): anything may have changed. */
  lost(): void {
    this.other = true;
  }

  /**
   * At monotonic time `nowNs`: whether the process lists differ from the last report (then it
   * counts anew), or else in how many ms to look again for processes still too young to tell.
   */
  take(nowNs: bigint, minAgeMs: number): { changed: boolean; retryMs?: number } {
    const minAge = BigInt(Math.round(minAgeMs * 1e6));
    let youngest: bigint | undefined;
    let changed = this.other;
    for (const at of this.born.values()) {
      if (nowNs - at >= minAge) {
        changed = true;
        break;
      }
      youngest = youngest === undefined || at > youngest ? at : youngest;
    }
    if (changed) {
      this.born.clear();
      this.other = false;
      return { changed };
    }
    return youngest === undefined ? { changed } : { changed, retryMs: Math.max(1, Number(youngest + minAge - nowNs) / 1e6) };
  }
}

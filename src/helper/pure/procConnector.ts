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
 * How many of the process events in `n` bytes of `buf` change which processes exist: forks and
 * exits of whole processes (not threads), and execs.
 */
export function countProcessChanges(buf: Buffer, n: number): number {
  let count = 0;
  for (let off = 0; off + DATA + 8 <= n; ) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN) {
      break;
    }
    const what = buf.readUInt32LE(off + EVENT);
    const d = off + DATA;
    if (what === PROC_EVENT_EXEC) {
      count++;
    } else if (what === PROC_EVENT_FORK && off + DATA + 16 <= n) {
      // parent_pid, parent_tgid, child_pid, child_tgid: a new thread has child_pid != child_tgid.
      if (buf.readUInt32LE(d + 8) === buf.readUInt32LE(d + 12)) {
        count++;
      }
    } else if (what === PROC_EVENT_EXIT) {
      // process_pid, process_tgid: the whole process ends with its leader.
      if (buf.readUInt32LE(d) === buf.readUInt32LE(d + 4)) {
        count++;
      }
    }
    off += (len + 3) & ~3;
  }
  return count;
}

// A NETLINK_ROUTE socket used for requests and dumps. Requests and the receive area are reused
// across sockets: the reader is synchronous, so only one exchange is in flight at a time.
//
// Every datagram the kernel queues (a dump chunk, the dump's NLMSG_DONE, each answer) takes one
// receive call with recv(); recvmmsg takes all that is queued at once. Reading a dump chunk makes
// the kernel queue the next one before the call returns, so a small dump (a namespace's links)
// comes back whole, NLMSG_DONE included, in one recvmmsg.

import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_DUMP_INTR,
  NLMSG_HDRLEN,
  parseErrorMessage,
  setSeq,
  splitMessages,
  type NlMessage,
} from '../pure/rtnetlink';
import { check, EAGAIN, ENOBUFS, IOV_SIZE, LP64LE, MMSG_FLAGS, MMSG_IOV, MMSG_IOVLEN, MMSG_LEN, MMSG_SIZE, MSG_DONTWAIT, MSG_TRUNC, SysError, type Libc } from './libc';

/** Big enough for the kernel's largest dump chunk (32 kB) and any single answer. */
const SLOT_SIZE = 64 * 1024;
/** Datagrams one recvmmsg may return. */
const SLOTS = 8;
/** A dump the kernel marks as interrupted by a concurrent change is restarted this many times. */
const DUMP_RETRIES = 3;


/** The receive buffers, and the mmsghdr vector pointing into them where recvmmsg can be used. */
interface RecvArea {
  data: Buffer;
  vec?: Buffer;
  iov?: Buffer;
}

let area: RecvArea | undefined;
/** Sequence numbers below this are the reader's fixed ones (see Capture). */
export const FIXED_SEQS = 1000;
let seqCounter = FIXED_SEQS;

function recvArea(libc: Libc): RecvArea {
  if (area) {
    return area;
  }
  if (!LP64LE) {
    return (area = { data: Buffer.alloc(SLOT_SIZE) });
  }
  const data = Buffer.alloc(SLOTS * SLOT_SIZE);
  const iov = Buffer.alloc(SLOTS * IOV_SIZE);
  const vec = Buffer.alloc(SLOTS * MMSG_SIZE);
  const dataAt = libc.address(data);
  const iovAt = libc.address(iov);
  for (let i = 0; i < SLOTS; i++) {
    iov.writeBigUInt64LE(dataAt + BigInt(i * SLOT_SIZE), i * IOV_SIZE);
    iov.writeBigUInt64LE(BigInt(SLOT_SIZE), i * IOV_SIZE + 8);
    vec.writeBigUInt64LE(iovAt + BigInt(i * IOV_SIZE), i * MMSG_SIZE + MMSG_IOV);
    vec.writeBigUInt64LE(1n, i * MMSG_SIZE + MMSG_IOVLEN);
  }
  // The Buffers are kept here for good: the addresses written above stay valid.
  return (area = { data, vec, iov });
}

function nextSeq(): number {
  const seq = seqCounter++;
  if (seqCounter > 0x7fffffff) {
    seqCounter = FIXED_SEQS;
  }
  return seq;
}

/**
 * The datagrams of a few exchanges, copied out of the receive area back to back (each datagram is
 * whole messages, so the copy reads as one stream): the reader parses the whole capture at once,
 * telling the answers apart by their sequence numbers.
 */
export class Capture {
  private buf = Buffer.alloc(16 * 1024);
  private len = 0;

  reset(): void {
    this.len = 0;
  }

  /** Drops what was appended after `len` bytes. */
  truncate(len: number): void {
    this.len = Math.min(this.len, len);
  }

  get bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /**
   * Appends a datagram (len bytes of src from start) and looks at its messages numbered seq:
   * returns CAPTURE_DONE when one ends the dump, CAPTURE_INTR when one is marked interrupted, and
   * throws for an error (the datagram is then not kept).
   */
  append(src: Buffer, start: number, len: number, seq: number, libc: Libc): number {
    if (this.len + len > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(2 * this.buf.length, this.len + len));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const buf = this.buf;
    src.copy(buf, this.len, start, start + len);
    const end = this.len + len;
    let status = 0;
    for (let off = this.len; off + NLMSG_HDRLEN <= end; ) {
      const n = buf.readUInt32LE(off);
      if (n < NLMSG_HDRLEN) {
        break; // splitMessages reports it when the capture is read
      }
      if (buf.readUInt32LE(off + 8) === seq) {
        const type = buf.readUInt16LE(off + 4);
        if (buf.readUInt16LE(off + 6) & NLM_F_DUMP_INTR) {
          status |= CAPTURE_INTR;
        }
        if (type === NLMSG_DONE) {
          status |= CAPTURE_DONE;
        } else if (type === NLMSG_ERROR) {
          const errno = n >= NLMSG_HDRLEN + 4 ? -buf.readInt32LE(off + NLMSG_HDRLEN) : 0;
          throw new SysError('netlink dump', errno, libc.strerror(errno));
        }
      }
      off += (n + 3) & ~3;
    }
    this.len = end;
    return status;
  }
}

const CAPTURE_DONE = 1;
const CAPTURE_INTR = 2;

/**
 * Requests sent in one datagram: single requests (answered while the kernel reads the datagram,
 * in order) and a dump last. Only one dump may run on a socket at a time, so there is at most one.
 */
export class RequestBatch {
  readonly buf: Buffer;
  private readonly offsets: number[] = [];

  constructor(
    singles: Buffer[],
    readonly dumpReq: Buffer,
  ) {
    let off = 0;
    for (const r of [...singles, dumpReq]) {
      this.offsets.push(off);
      off += r.length;
    }
    this.buf = Buffer.concat([...singles, dumpReq]);
    this.dumpReq = this.buf.subarray(this.offsets[this.offsets.length - 1]);
  }

  get singles(): number {
    return this.offsets.length - 1;
  }

  /** New sequence numbers for every request: the singles' in order, the dump's last. */
  number(): number[] {
    return this.offsets.map((off) => {
      const seq = nextSeq();
      this.buf.writeUInt32LE(seq, off + 8);
      return seq;
    });
  }
}

export class NetlinkSocket {
  private readonly area: RecvArea;

  constructor(
    private readonly libc: Libc,
    readonly fd: number,
  ) {
    this.area = recvArea(libc);
  }

  /**
   * Sends a dump request and calls onMessage for each answer until NLMSG_DONE. The kernel queues
   * each chunk before the previous one is read, so every receive finds data: MSG_DONTWAIT turns a
   * protocol surprise into an error instead of a hang.
   */
  dump(req: Buffer, onMessage: (buf: Buffer, m: NlMessage) => void, onRestart?: () => void): void {
    for (let attempt = 0; ; attempt++) {
      const seq = nextSeq();
      setSeq(req, seq);
      this.send(req);
      if (!this.receiveDump(seq, onMessage) || attempt + 1 >= DUMP_RETRIES) {
        return;
      }
      onRestart?.();
    }
  }

  /**
   * Sends the batch's requests in one datagram and passes each single answer (an NLMSG_ERROR one
   * included, for the caller to judge) to onAnswer with its position, and the dump's messages to
   * onMessage, as dump() does.
   */
  batch(b: RequestBatch, onAnswer: (i: number, buf: Buffer, m: NlMessage) => void, onMessage: (buf: Buffer, m: NlMessage) => void, onRestart?: () => void): void {
    const seqs = b.number();
    const dumpSeq = seqs[b.singles];
    const answered = new Array<boolean>(b.singles).fill(false);
    let left = b.singles;
    this.send(b.buf);
    const interrupted = this.receiveDump(dumpSeq, onMessage, (buf, m) => {
      const i = seqs.indexOf(m.seq);
      if (i >= 0 && i < b.singles && !answered[i]) {
        answered[i] = true;
        left--;
        onAnswer(i, buf, m);
      }
    });
    // The single answers are queued before the dump's first chunk: all are in by now.
    if (left > 0) {
      throw new SysError('netlink request', 0, `${left} of ${b.singles} requests got no answer`);
    }
    if (interrupted) {
      onRestart?.();
      this.dump(b.dumpReq, onMessage, onRestart);
    }
  }

  /**
   * Sends req as it is (its sequence numbers set by the caller) and copies the answers into `into`
   * until the dump numbered dumpSeq is done (single requests in req are answered before it). An
   * NLMSG_ERROR for the dump throws; true when the kernel marked the dump interrupted.
   */
  capture(req: Buffer, dumpSeq: number, into: Capture): boolean {
    this.send(req);
    let status = 0;
    while (!(status & CAPTURE_DONE)) {
      const { data, vec } = this.area;
      if (!vec) {
        const n = check(this.libc, 'recv', this.libc.recv(this.fd, data, data.length, MSG_DONTWAIT));
        status |= into.append(data, 0, n, dumpSeq, this.libc);
        continue;
      }
      const k = check(this.libc, 'recvmmsg', this.libc.recvmmsg(this.fd, vec, SLOTS, MSG_DONTWAIT, null));
      for (let i = 0; i < k && !(status & CAPTURE_DONE); i++) {
        if (vec.readInt32LE(i * MMSG_SIZE + MMSG_FLAGS) & MSG_TRUNC) {
          throw new SysError('recvmmsg', 0, `a netlink message was larger than ${SLOT_SIZE} bytes`);
        }
        status |= into.append(data, i * SLOT_SIZE, vec.readUInt32LE(i * MMSG_SIZE + MMSG_LEN), dumpSeq, this.libc);
      }
    }
    return (status & CAPTURE_INTR) !== 0;
  }

  /**
   * Sends a single request and passes its answer to onAnswer; an NLMSG_ERROR answer throws.
   * The answer's bytes are only valid during the callback.
   */
  request<T>(req: Buffer, onAnswer: (buf: Buffer, m: NlMessage) => T): T {
    return this.exchange(req, onAnswer, (errno) => {
      throw new SysError('netlink request', errno, this.libc.strerror(errno));
    });
  }

  /**
   * Sends a request made with NLM_F_ACK and returns the kernel's errno for it: 0 when it was done.
   * A refusal is an answer here, not an exception (the change hub gives ids by the thousand).
   */
  ack(req: Buffer): number {
    return this.exchange(req, () => 0, (errno) => errno);
  }

  private exchange<T>(req: Buffer, onAnswer: (buf: Buffer, m: NlMessage) => T, onError: (errno: number) => T): T {
    const seq = nextSeq();
    setSeq(req, seq);
    this.send(req);
    for (;;) {
      for (const buf of this.receive()) {
        for (const m of splitMessages(buf)) {
          if (m.seq !== seq) {
            continue;
          }
          return m.type === NLMSG_ERROR ? onError(parseErrorMessage(buf, m)) : onAnswer(buf, m);
        }
      }
    }
  }

  /**
   * Reads every message queued now (on a socket that joined multicast groups) without waiting.
   * False when the queue overflowed since the last drain: some messages were lost.
   */
  drain(onMessage: (buf: Buffer, m: NlMessage) => void): boolean {
    let lost = false;
    for (;;) {
      let bufs: Buffer[];
      try {
        bufs = this.receive();
      } catch (e) {
        if (e instanceof SysError && e.errno === EAGAIN) {
          return !lost;
        }
        if (e instanceof SysError && e.errno === ENOBUFS) {
          lost = true;
          continue;
        }
        throw e;
      }
      for (const buf of bufs) {
        for (const m of splitMessages(buf)) {
          onMessage(buf, m);
        }
      }
    }
  }

  close(): void {
    this.libc.close(this.fd);
  }

  /** Receives until the dump `seq` is done; true when the kernel marked it interrupted. */
  private receiveDump(seq: number, onMessage: (buf: Buffer, m: NlMessage) => void, onOther?: (buf: Buffer, m: NlMessage) => void): boolean {
    let interrupted = false;
    for (;;) {
      for (const buf of this.receive()) {
        for (const m of splitMessages(buf)) {
          if (m.seq !== seq) {
            onOther?.(buf, m); // an answer to a single request, or a late one to an earlier request
            continue;
          }
          if (m.flags & NLM_F_DUMP_INTR) {
            interrupted = true;
          }
          if (m.type === NLMSG_DONE) {
            return interrupted;
          }
          if (m.type === NLMSG_ERROR) {
            const errno = parseErrorMessage(buf, m);
            throw new SysError('netlink dump', errno, this.libc.strerror(errno));
          }
          if (m.type !== NLMSG_NOOP && m.type !== NLMSG_OVERRUN) {
            onMessage(buf, m);
          }
        }
      }
    }
  }

  private send(req: Buffer): void {
    const n = check(this.libc, 'send', this.libc.send(this.fd, req, req.length, 0));
    if (n !== req.length) {
      throw new SysError('send', 0, `short write (${n} of ${req.length} bytes)`);
    }
  }

  /** The datagrams queued now (at least one): each a view valid until the next receive. */
  private receive(): Buffer[] {
    const { data, vec } = this.area;
    if (!vec) {
      const n = check(this.libc, 'recv', this.libc.recv(this.fd, data, data.length, MSG_DONTWAIT));
      return [data.subarray(0, n)];
    }
    const k = check(this.libc, 'recvmmsg', this.libc.recvmmsg(this.fd, vec, SLOTS, MSG_DONTWAIT, null));
    const out: Buffer[] = new Array(k);
    for (let i = 0; i < k; i++) {
      if (vec.readInt32LE(i * MMSG_SIZE + MMSG_FLAGS) & MSG_TRUNC) {
        throw new SysError('recvmmsg', 0, `a netlink message was larger than ${SLOT_SIZE} bytes`);
      }
      out[i] = data.subarray(i * SLOT_SIZE, i * SLOT_SIZE + vec.readUInt32LE(i * MMSG_SIZE + MMSG_LEN));
    }
    return out;
  }
}

// A NETLINK_ROUTE socket used for requests and dumps. Requests and the receive buffer are reused
// across sockets: the reader is synchronous, so only one exchange is in flight at a time.

import {
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_DUMP_INTR,
  parseErrorMessage,
  setSeq,
  splitMessages,
  type NlMessage,
} from '../pure/rtnetlink';
import { check, MSG_DONTWAIT, SysError, type Libc } from './libc';

/** Big enough for the kernel's largest dump chunk (32 kB) and any single answer. */
const RECV_SIZE = 64 * 1024;
/** A dump the kernel marks as interrupted by a concurrent change is restarted this many times. */
const DUMP_RETRIES = 3;

let shared: Buffer | undefined;
let seqCounter = 1;

export class NetlinkSocket {
  private readonly buf: Buffer;

  constructor(
    private readonly libc: Libc,
    readonly fd: number,
  ) {
    this.buf = shared ??= Buffer.alloc(RECV_SIZE);
  }

  /**
   * Sends a dump request and calls onMessage for each answer until NLMSG_DONE. The kernel queues
   * each chunk before the previous one is read, so every recv finds data: MSG_DONTWAIT turns a
   * protocol surprise into an error instead of a hang.
   */
  dump(req: Buffer, onMessage: (buf: Buffer, m: NlMessage) => void, onRestart?: () => void): void {
    for (let attempt = 0; ; attempt++) {
      const seq = this.sendRequest(req);
      let interrupted = false;
      let done = false;
      while (!done) {
        const n = this.recvOnce();
        for (const m of splitMessages(this.buf, n)) {
          if (m.seq !== seq) {
            continue; // a late answer to an earlier request
          }
          if (m.flags & NLM_F_DUMP_INTR) {
            interrupted = true;
          }
          if (m.type === NLMSG_DONE) {
            done = true;
            break;
          }
          if (m.type === NLMSG_ERROR) {
            const errno = parseErrorMessage(this.buf, m);
            throw new SysError('netlink dump', errno, this.libc.strerror(errno));
          }
          if (m.type !== NLMSG_NOOP && m.type !== NLMSG_OVERRUN) {
            onMessage(this.buf, m);
          }
        }
      }
      if (!interrupted || attempt + 1 >= DUMP_RETRIES) {
        return;
      }
      onRestart?.();
    }
  }

  /**
   * Sends a single request and passes its answer to onAnswer; an NLMSG_ERROR answer throws.
   * The answer's bytes are only valid during the callback.
   */
  request<T>(req: Buffer, onAnswer: (buf: Buffer, m: NlMessage) => T): T {
    const seq = this.sendRequest(req);
    for (;;) {
      const n = this.recvOnce();
      for (const m of splitMessages(this.buf, n)) {
        if (m.seq !== seq) {
          continue;
        }
        if (m.type === NLMSG_ERROR) {
          const errno = parseErrorMessage(this.buf, m);
          throw new SysError('netlink request', errno, this.libc.strerror(errno));
        }
        return onAnswer(this.buf, m);
      }
    }
  }

  close(): void {
    this.libc.close(this.fd);
  }

  private sendRequest(req: Buffer): number {
    const seq = seqCounter++;
    if (seqCounter > 0x7fffffff) {
      seqCounter = 1;
    }
    setSeq(req, seq);
    const n = check(this.libc, 'send', this.libc.send(this.fd, req, req.length, 0));
    if (n !== req.length) {
      throw new SysError('send', 0, `short write (${n} of ${req.length} bytes)`);
    }
    return seq;
  }

  private recvOnce(): number {
    return check(this.libc, 'recv', this.libc.recv(this.fd, this.buf, this.buf.length, MSG_DONTWAIT));
  }
}

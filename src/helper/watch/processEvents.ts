// A socket on the kernel's process connector, for the kernel watcher's epoll set: tells that
// processes came or went, so the extension reads the process lists again without polling.

import { CN_IDX_PROC, countProcessChanges, listenRequest, NETLINK_CONNECTOR } from '../pure/procConnector';
import { AF_NETLINK, check, ENOBUFS, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_NONBLOCK, type Libc } from '../reader/libc';

const SOCK_DGRAM = 2;

export class ProcessEventSocket {
  readonly fd: number;

  /** Throws when the connector cannot be used (not root, not the initial network namespace...). */
  constructor(private readonly libc: Libc) {
    this.fd = check(libc, 'socket(NETLINK_CONNECTOR)', libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR));
    try {
      const addr = Buffer.alloc(12); // sockaddr_nl, port chosen by the kernel
      addr.writeUInt16LE(AF_NETLINK, 0);
      addr.writeUInt32LE(CN_IDX_PROC, 8);
      check(libc, 'bind(CN_IDX_PROC)', libc.bind(this.fd, addr, addr.length));
      const req = listenRequest(0);
      check(libc, 'send(PROC_CN_MCAST_LISTEN)', libc.send(this.fd, req, req.length, 0));
    } catch (e) {
      libc.close(this.fd);
      throw e;
    }
  }

  /** Reads every queued event; true when processes came or went (or events were lost). */
  drain(buf: Buffer): boolean {
    let changed = false;
    for (;;) {
      const n = this.libc.recv(this.fd, buf, buf.length, MSG_DONTWAIT);
      if (n > 0) {
        changed = countProcessChanges(buf, n) > 0 || changed;
        continue;
      }
      if (n < 0 && this.libc.errno() === ENOBUFS) {
        changed = true; // too many to keep up with: something changed all the same
        continue;
      }
      return changed;
    }
  }

  close(): void {
    this.libc.close(this.fd);
  }
}

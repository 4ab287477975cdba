// A socket on the kernel's process connector, for the kernel watcher's epoll set: tells that
// processes came or went, so the extension reads the process lists again without polling.

import { CN_IDX_PROC, listenRequest, NETLINK_CONNECTOR, ProcessChanges } from '../pure/procConnector';
import { netlinkAddr, AF_NETLINK, check, ENOBUFS, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_NONBLOCK, type Libc } from '../reader/libc';

const SOCK_DGRAM = 2;

export class ProcessEventSocket {
  readonly fd: number;

  /** Throws when the connector cannot be used (not root, not the initial network namespace...). */
  constructor(private readonly libc: Libc) {
    this.fd = check(libc, 'socket(NETLINK_CONNECTOR)', libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR));
    try {
      const addr = netlinkAddr(CN_IDX_PROC);
      check(libc, 'bind(CN_IDX_PROC)', libc.bind(this.fd, addr, addr.length));
      const req = listenRequest(0);
      check(libc, 'send(PROC_CN_MCAST_LISTEN)', libc.send(this.fd, req, req.length, 0));
    } catch (e) {
      libc.close(this.fd);
      throw e;
    }
  }

  /** What the events read so far add up to (see ProcessChanges). */
  readonly changes = new ProcessChanges();

  /** Reads every queued event into `changes`. */
  drain(buf: Buffer): void {
    for (;;) {
      const n = this.libc.recv(this.fd, buf, buf.length, MSG_DONTWAIT);
      if (n > 0) {
        this.changes.add(buf, n);
        continue;
      }
      if (n < 0 && this.libc.errno() === ENOBUFS) {
        this.changes.lost(); // too many to keep up with: something changed all the same
        continue;
      }
      return;
    }
  }

  close(): void {
    this.libc.close(this.fd);
  }
}

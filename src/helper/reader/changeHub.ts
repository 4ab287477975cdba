// One socket that hears the change notices of every kept namespace, instead of one socket in each.
// The kernel hands each rtnetlink notice to every subscribed NETLINK_ROUTE socket of the machine in
// turn, and walks them all again whenever one joins or leaves its groups: with a socket in each of
// ten thousand namespaces, every `ip` command on the machine walked ten thousand sockets per
// notice, and a first read walked them fifty million times while it subscribed.
//
// A socket with NETLINK_LISTEN_ALL_NSID hears the notices of every namespace that has an nsid in
// its own namespace, each tagged with that nsid. The hub's namespace is made for it (unshare) and
// held by its two sockets alone, so the nsids given there are seen by no one else (`ip netns
// list-id` and the view show the ids of the namespace they run in), and an nsid, unlike a socket
// inside a namespace, does not keep its namespace alive. The kernel still finds a notice's nsid by
// walking the ids given there, a cheaper walk than one over sockets.

import { NLMSG_HDRLEN, newNsidRequest, nsidByFdRequest, parseNsid, RTM_DELNSID } from '../pure/rtnetlink';
import { netlinkAddr,
  EAGAIN,
  EEXIST,
  EINTR,
  ENOBUFS,
  IOV_SIZE,
  LP64LE,
  MMSG_CONTROL,
  MMSG_CONTROLLEN,
  MMSG_IOV,
  MMSG_IOVLEN,
  MMSG_LEN,
  MMSG_SIZE,
  MSG_DONTWAIT,
  NETLINK_LISTEN_ALL_NSID,
  NETLINK_ROUTE,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
  SysError,
  type HomeNetns,
  type Libc,
} from './libc';
import { NetlinkSocket } from './netlinkSocket';

/** Where a struct cmsghdr's data starts. */
const CMSG_DATA = 16;
/** CMSG_SPACE(sizeof(int)). */
const CONTROL_SIZE = 24;
/** A notice's header and the first attribute of an nsid notice: all that is read of it. */
const SLOT_SIZE = NLMSG_HDRLEN + 4 + 8;
const SLOTS = 64;
/** Notices are queued while a read holds the thread: room for bursts (root may exceed rmem_max). */
const RECEIVE_BUFFER = 8 << 20;
/** Bounded, so a hub filled faster than it is read cannot hold the thread. */
const MAX_BATCHES = 1000;

export class ChangeHub {
  private readonly control: NetlinkSocket;
  private readonly vec = Buffer.alloc(SLOTS * MMSG_SIZE);
  private readonly data = Buffer.alloc(SLOTS * SLOT_SIZE);
  private readonly iov = Buffer.alloc(SLOTS * IOV_SIZE);
  private readonly cmsg = Buffer.alloc(SLOTS * CONTROL_SIZE);
  /** The next nsid to give: ids are never given twice, so one in use is always an earlier keep's. */
  private nextNsid = 1;

  private constructor(
    private readonly libc: Libc,
    /** The listening socket, for an epoll set: readable when a notice is queued. */
    readonly fd: number,
    controlFd: number,
  ) {
    this.control = new NetlinkSocket(libc, controlFd);
    const dataAt = libc.address(this.data);
    const iovAt = libc.address(this.iov);
    const cmsgAt = libc.address(this.cmsg);
    for (let i = 0; i < SLOTS; i++) {
      this.iov.writeBigUInt64LE(dataAt + BigInt(i * SLOT_SIZE), i * IOV_SIZE);
      this.iov.writeBigUInt64LE(BigInt(SLOT_SIZE), i * IOV_SIZE + 8);
      this.vec.writeBigUInt64LE(iovAt + BigInt(i * IOV_SIZE), i * MMSG_SIZE + MMSG_IOV);
      this.vec.writeBigUInt64LE(1n, i * MMSG_SIZE + MMSG_IOVLEN);
      this.vec.writeBigUInt64LE(cmsgAt + BigInt(i * CONTROL_SIZE), i * MMSG_SIZE + MMSG_CONTROL);
    }
  }

  /**
   * A hub listening to `groups`, or undefined where one cannot be made: without root, on a
   * 32-bit or big-endian machine (LP64LE), or where the kernel refuses.
   */
  static open(libc: Libc, home: HomeNetns, groups: number): ChangeHub | undefined {
    if (!home.canEnter || !LP64LE) {
      return undefined;
    }
    let fds: number[];
    try {
      fds = home.socketsInNew(2, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    } catch {
      return undefined;
    }
    const [listen, control] = fds;
    const int = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v);
      return b;
    };
    const addr = netlinkAddr(groups);
    if (libc.setsockopt(listen, SOL_SOCKET, SO_RCVBUFFORCE, int(RECEIVE_BUFFER), 4) < 0) {
      libc.setsockopt(listen, SOL_SOCKET, SO_RCVBUF, int(RECEIVE_BUFFER), 4);
    }
    if (libc.setsockopt(listen, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, int(1), 4) < 0 || libc.bind(listen, addr, addr.length) < 0) {
      libc.close(listen);
      libc.close(control);
      return undefined;
    }
    return new ChangeHub(libc, listen, control);
  }

  /**
   * Gives the namespace behind nsFd an nsid here, after which its notices come to the hub; the
   * id, or undefined when the kernel refused. One kept before keeps the id it was given.
   */
  add(nsFd: number): number | undefined {
    const nsid = this.nextNsid++;
    let errno: number;
    try {
      errno = this.control.ack(newNsidRequest(nsFd, nsid));
    } catch (e) {
      if (!(e instanceof SysError)) {
        throw e;
      }
      return undefined;
    }
    if (errno === 0) {
      return nsid;
    }
    if (errno !== EEXIST) {
      return undefined;
    }
    try {
      const had = this.control.request(nsidByFdRequest(nsFd), parseNsid);
      return had >= 0 ? had : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads every notice queued now without waiting and calls onNotice with the nsid of the
   * namespace it came from and its type (RTM_DELNSID too when that namespace ended); false when
   * notices were lost to a full queue since the last drain.
   */
  drain(onNotice: (nsid: number, type: number) => void): boolean {
    let lost = false;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      for (let i = 0; i < SLOTS; i++) {
        this.vec.writeBigUInt64LE(BigInt(CONTROL_SIZE), i * MMSG_SIZE + MMSG_CONTROLLEN);
      }
      const n = this.libc.recvmmsg(this.fd, this.vec, SLOTS, MSG_DONTWAIT, null);
      if (n < 0) {
        const errno = this.libc.errno();
        if (errno === EINTR) {
          continue;
        }
        if (errno === ENOBUFS) {
          lost = true;
          continue;
        }
        if (errno !== EAGAIN) {
          lost = true; // cannot tell what came
        }
        return !lost;
      }
      for (let i = 0; i < n; i++) {
        const at = i * SLOT_SIZE;
        if (this.vec.readUInt32LE(i * MMSG_SIZE + MMSG_LEN) < NLMSG_HDRLEN) {
          continue;
        }
        const type = this.data.readUInt16LE(at + 4);
        if (this.vec.readBigUInt64LE(i * MMSG_SIZE + MMSG_CONTROLLEN) >= BigInt(CMSG_DATA + 4)) {
          // SOL_NETLINK / NETLINK_LISTEN_ALL_NSID: from another namespace, which has this nsid here.
          onNotice(this.cmsg.readInt32LE(i * CONTROL_SIZE + CMSG_DATA), type);
        } else if (type === RTM_DELNSID) {
          // From the hub's own namespace: a namespace given an id here ended (its NETNSA_NSID).
          onNotice(this.data.readInt32LE(at + NLMSG_HDRLEN + 4 + 4), type);
        }
        // Else the notice of an id the hub gave (RTM_NEWNSID): nothing changed.
      }
      if (n < SLOTS) {
        return !lost;
      }
    }
    return false;
  }

  close(): void {
    this.libc.close(this.fd);
    this.control.close();
  }
}

// The change hubs of the kept namespaces: as many as it takes to give each at most `size` ids.
// Giving a namespace an id makes the kernel look for one it has already, by walking every id given
// in that hub's namespace (__peernet2id), then tell the id to every socket that listens to nsid
// notices of all namespaces (NETLINK_LISTEN_ALL_NSID and RTMGRP_NSID), each of which walks its own
// namespace's ids to see whether it hears the hub's: in one hub, a first read of ten thousand
// namespaces spent 1.2 s of its 3.3 s in those walks, quadratic in the number kept. So each hub
// holds at most `size` ids, and only the first hears nsid notices (the root is kept there first,
// and the root's new nsids are news); the walks at each notice of a change still go over every
// hub's ids once, as in one hub.
//
// The hubs' sockets are in one epoll set of their own, so the kernel watcher waits on one file
// however many hubs there are.

import { RTMGRP_NSID } from '../pure/rtnetlink';
import { ChangeHub } from './changeHub';
import { EPOLL_CLOEXEC, EPOLL_CTL_DEL, EPOLLIN, epollSet, type HomeNetns, type Libc } from './libc';

/** How many namespaces one hub gives ids to. */
export const HUB_SIZE = 512;
/** Ids are told apart across hubs as hub * ID_SPAN + id (a hub gives fewer ids than this in its life). */
const ID_SPAN = 2 ** 31;

export class ChangeHubs {
  private readonly hubs: ChangeHub[] = [];
  /** Each hub's ids held for kept namespaces (the kernel drops an id itself when its namespace ends). */
  private readonly held: Set<number>[] = [];

  private constructor(
    private readonly libc: Libc,
    private readonly home: HomeNetns,
    private readonly groups: number,
    private readonly size: number,
    /** An epoll set of the hubs' sockets: readable when any of them holds a notice. */
    readonly fd: number,
  ) {}

  /** The first hub, or undefined where none can be made (see ChangeHub.open). */
  static open(libc: Libc, home: HomeNetns, groups: number, size = HUB_SIZE): ChangeHubs | undefined {
    const first = ChangeHub.open(libc, home, groups);
    if (!first) {
      return undefined;
    }
    const epfd = libc.epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
      first.close();
      return undefined;
    }
    const hubs = new ChangeHubs(libc, home, groups & ~RTMGRP_NSID, size, epfd);
    hubs.join(first);
    return hubs;
  }

  /**
   * Gives the namespace behind nsFd an id in the newest hub, or in a new one when that one is
   * full (or the newest, when no new one can be made); undefined when the kernel refused.
   */
  add(nsFd: number): number | undefined {
    let i = this.hubs.length - 1;
    if (this.held[i].size >= this.size) {
      const hub = ChangeHub.open(this.libc, this.home, this.groups);
      if (hub) {
        i = this.join(hub);
      }
    }
    const nsid = this.hubs[i].add(nsFd);
    if (nsid === undefined) {
      return undefined;
    }
    this.held[i].add(nsid);
    return i * ID_SPAN + nsid;
  }

  /** The id is no longer held for a kept namespace: its room in the hub is free for another. */
  release(id: number): void {
    this.held[Math.floor(id / ID_SPAN)]?.delete(id % ID_SPAN);
  }

  /** Empties every hub (see ChangeHub.drain), with ids as add() gave them; false when notices were lost. */
  drain(onNotice: (id: number, type: number) => void): boolean {
    let complete = true;
    this.hubs.forEach((hub, i) => {
      complete = hub.drain((nsid, type) => onNotice(i * ID_SPAN + nsid, type)) && complete;
    });
    return complete;
  }

  close(): void {
    for (const hub of this.hubs.splice(0)) {
      epollSet(this.libc, this.fd, hub.fd, 0, 0, EPOLL_CTL_DEL);
      hub.close();
    }
    this.libc.close(this.fd);
  }

  private join(hub: ChangeHub): number {
    epollSet(this.libc, this.fd, hub.fd, EPOLLIN, this.hubs.length);
    this.held.push(new Set());
    return this.hubs.push(hub) - 1;
  }
}

// What the reader has learnt about nsids, kept from one read to the next.
//
// A veth whose peer is in another namespace tells only the peer's ifindex and an nsid that names
// the peer's namespace from its own side. Finding which namespace an nsid names takes requests
// (see NetlinkReader.nsidMaps), but the answer lasts: a namespace never renumbers or drops an nsid
// while the namespace it names lives. Namespaces are keyed by their cookie (SO_NETNS_COOKIE), which,
// unlike an inode number, the kernel never gives to another namespace, so an entry can only be
// stale by naming a namespace that is gone, and a namespace that is gone is not in a read.

export class NsidKnowledge {
  /** Namespace -> nsid -> the namespace that nsid names there. */
  private readonly names = new Map<bigint, Map<number, bigint>>();
  /** Namespace -> the nsid the root namespace gives it; -1 for none (as of the last new nsid). */
  private readonly rootIds = new Map<bigint, number>();

  /** The namespace that `nsid` names inside namespace `from`, when learnt. */
  peerNamespace(from: bigint, nsid: number): bigint | undefined {
    return this.names.get(from)?.get(nsid);
  }

  learn(from: bigint, nsid: number, to: bigint): void {
    let m = this.names.get(from);
    if (!m) {
      this.names.set(from, (m = new Map()));
    }
    m.set(nsid, to);
  }

  /** The nsid the root namespace gives `ns`, -1 for none, undefined when not known. */
  rootNsid(ns: bigint): number | undefined {
    return this.rootIds.get(ns);
  }

  learnRootNsid(ns: bigint, nsid: number): void {
    this.rootIds.set(ns, nsid);
  }

  /**
   * The root namespace gave a new nsid (or its messages were lost): a namespace known to have
   * none may have it now. Those it had stay (an nsid lasts while its namespace lives).
   */
  forgetNoRootNsid(): void {
    for (const [k, v] of this.rootIds) {
      if (v < 0) {
        this.rootIds.delete(k);
      }
    }
  }

  /**
   * Forgets namespaces that are not among `alive` (the cookies of a read): always after a read of
   * every namespace, and after a partial read once what is kept has grown well past the
   * `namespaces` there are (so a read of two among ten thousand does not forget the rest).
   */
  prune(alive: ReadonlySet<bigint>, complete: boolean, namespaces = alive.size): void {
    const limit = 2 * Math.max(alive.size, namespaces) + 1024;
    if (!complete && this.names.size <= limit && this.rootIds.size <= limit) {
      return;
    }
    for (const map of [this.names, this.rootIds]) {
      for (const k of map.keys()) {
        if (!alive.has(k)) {
          map.delete(k);
        }
      }
    }
  }

  get size(): number {
    return this.names.size + this.rootIds.size;
  }
}

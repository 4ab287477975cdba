// Resolves each veth's peer to a namespace and a name.
//
// The kernel tells a veth its peer's ifindex and, when the peer is elsewhere, an nsid that only
// means something inside the veth's own namespace. Ifindexes repeat across namespaces, so a peer is
// found by matching both ends: A points at B's ifindex in another namespace and B points back at
// A's. Matches that stay ambiguous after eliminating the unique ones are settled with the nsid
// maps a reader may supply (from namespace X: nsid -> namespace); what cannot be settled is left
// unresolved rather than guessed.

import type { Interface, Namespace, NetnsRef } from '../../core/model';

export type NsidMaps = Map<NetnsRef, Map<number, NetnsRef>>;

interface End {
  ns: Namespace;
  iface: Interface;
}

function key(ns: NetnsRef): string {
  return ns === null ? '\u0000root' : ns;
}

/** Namespaces whose veths could not be matched uniquely: a reader may fetch their nsid maps. */
export function ambiguousNamespaces(namespaces: Namespace[]): NetnsRef[] {
  const out = new Set<NetnsRef>();
  const cands = new Candidates(namespaces);
  for (const end of cands.ends.keys()) {
    if (cands.count(end) > 1) {
      out.add(end.ns.name);
    }
  }
  return [...out];
}

/** Remote veth ends sharing one "ifindex:peerIfindex", with counts per namespace. */
interface Group {
  members: End[];
  byNs: Map<Namespace, End[]>;
  /** Members not yet claimed as someone's peer, in all and per namespace. */
  open: number;
  openByNs: Map<Namespace, number>;
}

/**
 * The candidates of each remote veth end: the ends in other namespaces that point back at it.
 * Fresh namespaces all number their first veth 2, so one group can hold nearly every namespace;
 * lists are therefore never built per end (that would be quadratic), only counted and looked up.
 */
class Candidates {
  /** Every remote end, in namespace then interface order, with the group its candidates are in. */
  readonly ends = new Map<End, Group | undefined>();
  private readonly own = new Map<Interface, { g: Group; ns: Namespace }>();
  private readonly taken = new Set<Interface>();

  constructor(namespaces: Namespace[]) {
    const groups = new Map<string, Group>();
    const all: End[] = [];
    for (const ns of namespaces) {
      for (const iface of ns.interfaces) {
        if (iface.kind === 'veth' && iface.peer && iface.peer.linkNetnsid !== undefined) {
          const end = { ns, iface };
          const k = `${iface.ifindex}:${iface.peer.ifindex}`;
          let g = groups.get(k);
          if (!g) {
            groups.set(k, (g = { members: [], byNs: new Map(), open: 0, openByNs: new Map() }));
          }
          g.members.push(end);
          const same = g.byNs.get(ns);
          if (same) {
            same.push(end);
          } else {
            g.byNs.set(ns, [end]);
          }
          g.open++;
          g.openByNs.set(ns, (g.openByNs.get(ns) ?? 0) + 1);
          this.own.set(iface, { g, ns });
          all.push(end);
        }
      }
    }
    for (const end of all) {
      this.ends.set(end, groups.get(`${end.iface.peer!.ifindex}:${end.iface.ifindex}`));
    }
  }

  /** How many ends in other namespaces point back at this one. */
  count(end: End): number {
    const g = this.ends.get(end);
    return g ? g.members.length - (g.byNs.get(end.ns)?.length ?? 0) : 0;
  }

  /** The first candidate living in `ns`. */
  inNamespace(end: End, ns: Namespace | undefined): End | undefined {
    return ns === undefined || ns === end.ns ? undefined : this.ends.get(end)?.byNs.get(ns)?.[0];
  }

  /** Candidates not yet claimed: how many, and the one when there is exactly one. */
  open(end: End): { count: number; only?: End } {
    const g = this.ends.get(end);
    if (!g) {
      return { count: 0 };
    }
    const count = g.open - (g.openByNs.get(end.ns) ?? 0);
    if (count !== 1) {
      return { count };
    }
    return { count, only: g.members.find((c) => c.ns !== end.ns && !this.taken.has(c.iface)) };
  }

  take(iface: Interface): void {
    const own = this.own.get(iface);
    if (own && !this.taken.has(iface)) {
      this.taken.add(iface);
      own.g.open--;
      own.g.openByNs.set(own.ns, own.g.openByNs.get(own.ns)! - 1);
    }
  }
}

export function resolvePeers(namespaces: Namespace[], nsidMaps?: NsidMaps): void {
  const byKey = new Map(namespaces.map((n) => [key(n.name), n]));
  // Same-namespace peers.
  for (const ns of namespaces) {
    const byIndex = new Map(ns.interfaces.map((i) => [i.ifindex, i]));
    for (const iface of ns.interfaces) {
      if (iface.kind === 'veth' && iface.peer && iface.peer.linkNetnsid === undefined) {
        const p = byIndex.get(iface.peer.ifindex);
        if (p) {
          iface.peer.name = p.name;
          iface.peer.netns = ns.name;
          iface.peer.netnsInode = ns.inode;
        }
      }
    }
  }
  // Cross-namespace peers: settle through nsid maps first, then by elimination.
  const cands = new Candidates(namespaces);
  const pending = new Set(cands.ends.keys());
  const settle = (end: End, peer: End) => {
    end.iface.peer!.name = peer.iface.name;
    end.iface.peer!.netns = peer.ns.name;
    end.iface.peer!.netnsInode = peer.ns.inode;
    cands.take(peer.iface);
  };
  for (const end of pending) {
    const viaNsid = nsidMaps?.get(end.ns.name)?.get(end.iface.peer!.linkNetnsid!);
    if (viaNsid !== undefined) {
      const match = cands.inNamespace(end, byKey.get(key(viaNsid)));
      if (match) {
        settle(end, match);
        pending.delete(end);
      }
    }
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const end of pending) {
      const open = cands.open(end);
      if (open.count === 1 && open.only) {
        settle(end, open.only);
        pending.delete(end);
        progress = true;
      } else if (open.count === 0) {
        pending.delete(end); // the peer is in a namespace we did not read (a container's)
      }
    }
  }
}

// Resolves each veth's peer to a namespace and a name.
//
// The kernel tells a veth its peer's ifindex and, when the peer is elsewhere, an nsid that only
// means something inside the veth's own namespace. Ifindexes repeat across namespaces, so a peer is
// found by matching both ends: A points at B's ifindex in another namespace and B points back at
// A's. Matches that stay ambiguous after eliminating the unique ones are settled with the nsid
// maps a reader may supply (from namespace X: nsid -> namespace); what cannot be settled is left
// unresolved rather than guessed.

import type { Interface, Namespace, NetnsRef } from './model';

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
  for (const [end, cands] of candidates(namespaces)) {
    if (cands.length > 1) {
      out.add(end.ns.name);
    }
  }
  return [...out];
}

function candidates(namespaces: Namespace[]): Map<End, End[]> {
  // Index remote veth ends by "ifindex:peerIfindex".
  const index = new Map<string, End[]>();
  for (const ns of namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.kind === 'veth' && iface.peer && iface.peer.linkNetnsid !== undefined) {
        const k = `${iface.ifindex}:${iface.peer.ifindex}`;
        let list = index.get(k);
        if (!list) {
          index.set(k, (list = []));
        }
        list.push({ ns, iface });
      }
    }
  }
  const result = new Map<End, End[]>();
  for (const ns of namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.kind === 'veth' && iface.peer && iface.peer.linkNetnsid !== undefined) {
        const list = (index.get(`${iface.peer.ifindex}:${iface.ifindex}`) ?? []).filter((c) => c.ns !== ns);
        result.set({ ns, iface }, list);
      }
    }
  }
  return result;
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
  const cands = candidates(namespaces);
  const taken = new Set<Interface>();
  const settle = (end: End, peer: End) => {
    end.iface.peer!.name = peer.iface.name;
    end.iface.peer!.netns = peer.ns.name;
    end.iface.peer!.netnsInode = peer.ns.inode;
    taken.add(peer.iface);
  };
  for (const [end, list] of cands) {
    const viaNsid = nsidMaps?.get(end.ns.name)?.get(end.iface.peer!.linkNetnsid!);
    if (viaNsid !== undefined) {
      const target = byKey.get(key(viaNsid));
      const match = list.find((c) => c.ns === target);
      if (match) {
        settle(end, match);
        cands.delete(end);
      }
    }
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const [end, list] of cands) {
      const open = list.filter((c) => !taken.has(c.iface));
      if (open.length === 1) {
        settle(end, open[0]);
        cands.delete(end);
        progress = true;
      } else if (open.length === 0) {
        cands.delete(end); // the peer is in a namespace we did not read (a container's)
      }
    }
  }
}

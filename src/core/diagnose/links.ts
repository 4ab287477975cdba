// The link layer as the model shows it: which interfaces a frame sent out of one interface can
// reach, across veth peers and through bridges (a bridge's ports, the ports' veth peers, ...), and
// where a device that is down cuts the way. Pure: only the model.

import type { Interface, Namespace, NetnsRef } from '../model';

export interface Place {
  ns: Namespace;
  iface: Interface;
}

export const placeKey = (netns: NetnsRef, name: string): string => `${netns === null ? '' : `n:${netns}`}/${name}`;

/** Administratively up (ip link set up). */
export const isUp = (i: Interface): boolean => i.flags.includes('UP');

/**
 * Up with a carrier (for a veth: its peer is up too). LOWER_UP is the carrier as the kernel has it
 * at once; the operational state follows a moment later (the kernel's link watch), so it is not used.
 */
export function hasCarrier(i: Interface): boolean {
  return isUp(i) && i.flags.includes('LOWER_UP');
}

export function findNamespace(namespaces: readonly Namespace[], netns: NetnsRef | undefined): Namespace | undefined {
  return netns === undefined ? undefined : namespaces.find((n) => n.name === netns);
}

/** Namespaces by name, made once for a walk over every interface (a search for each is quadratic). */
export type NamespaceLookup = (netns: NetnsRef) => Namespace | undefined;

export function namespaceLookup(namespaces: readonly Namespace[]): NamespaceLookup {
  const byName = new Map<NetnsRef, Namespace>();
  for (const ns of namespaces) {
    if (!byName.has(ns.name)) {
      byName.set(ns.name, ns); // the first, as findNamespace finds it
    }
  }
  return (netns) => byName.get(netns);
}

/** The other end of a veth, when its namespace is in the model. */
export function vethPeer(namespaces: readonly Namespace[] | NamespaceLookup, i: Interface): Place | undefined {
  if (i.kind !== 'veth' || !i.peer || i.peer.netns === undefined) {
    return undefined;
  }
  const ns = typeof namespaces === 'function' ? namespaces(i.peer.netns) : findNamespace(namespaces, i.peer.netns);
  const peer = ns?.interfaces.find((p) => p.ifindex === i.peer!.ifindex) ?? ns?.interfaces.find((p) => p.name === i.peer!.name);
  return ns && peer ? { ns, iface: peer } : undefined;
}

export interface Segment {
  /** Interfaces that can take a frame for one of their addresses (not a bridge's ports), in reach order. */
  reach: Place[];
  /** Interfaces behind a device that is down, with that device: what the frame cannot get to. */
  blocked: { place: Place; by: Place }[];
}

/**
 * Everything on the link of `start` (in `ns`): its veth peer, the bridge that peer is a port of,
 * the bridge's other ports and their peers, and so on. `start` itself is not in `reach`.
 */
export function segmentOf(namespaces: readonly Namespace[], ns: Namespace, start: Interface): Segment {
  const seen = new Set<string>([placeKey(ns.name, start.name)]);
  const reach: Place[] = [];
  const blocked: { place: Place; by: Place }[] = [];
  // [place, the down device on the way to it, if any]
  const queue: [Place, Place | undefined][] = [];
  const push = (p: Place, by: Place | undefined) => {
    const k = placeKey(p.ns.name, p.iface.name);
    if (!seen.has(k)) {
      seen.add(k);
      queue.push([p, by]);
    }
  };
  const neighbours = (p: Place, by: Place | undefined) => {
    const cut = by ?? (isUp(p.iface) ? undefined : p);
    const peer = vethPeer(namespaces, p.iface);
    if (peer) {
      push(peer, cut);
    }
    if (p.iface.master !== undefined) {
      const bridge = p.ns.interfaces.find((b) => b.name === p.iface.master);
      if (bridge) {
        push({ ns: p.ns, iface: bridge }, cut);
      }
    }
    if (p.iface.kind === 'bridge') {
      for (const port of p.ns.interfaces.filter((x) => x.master === p.iface.name)) {
        push({ ns: p.ns, iface: port }, cut);
      }
    }
  };
  neighbours({ ns, iface: start }, undefined);
  while (queue.length > 0) {
    const [p, by] = queue.shift()!;
    const cut = by ?? (isUp(p.iface) ? undefined : p);
    if (p.iface.master === undefined) {
      if (cut) {
        blocked.push({ place: p, by: cut });
      } else {
        reach.push(p);
      }
    }
    neighbours(p, by);
  }
  return { reach, blocked };
}

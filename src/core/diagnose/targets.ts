// What a check can be aimed at: an address, an interface or a namespace (the addresses it has,
// the first that the model says can be reached), and the veth pairs "Check All veth Links" pings.

import type { Namespace, NetnsRef } from '../model';
import { inPrefix } from '../validate';
import { findNamespace, namespaceLookup, placeKey, vethPeer } from './links';
import { analyze, familyOf, usableAddresses, type Analysis, type CheckInput, type Family } from './path';

export type CheckTarget =
  | { kind: 'address'; address: string }
  | { kind: 'interface'; netns: NetnsRef; name: string }
  | { kind: 'namespace'; netns: NetnsRef };

/** The addresses a target stands for, IPv4 first; those in the source's own namespace last. */
export function targetAddresses(namespaces: readonly Namespace[], target: CheckTarget): string[] {
  if (target.kind === 'address') {
    return [target.address];
  }
  const ns = findNamespace(namespaces, target.netns);
  if (!ns) {
    return [];
  }
  const ifaces = target.kind === 'interface' ? ns.interfaces.filter((i) => i.name === target.name) : ns.interfaces.filter((i) => i.kind !== 'loopback');
  return ifaces
    .flatMap((i) => usableAddresses(i))
    .sort((a, b) => a.family - b.family)
    .map((a) => a.address);
}

/**
 * The check of a source against a target: each address the target stands for is looked at in
 * turn and the first the model says is reachable is taken (else the first, with its findings).
 * Undefined when the target has no address at all.
 */
export function analyzeTarget(namespaces: readonly Namespace[], source: CheckInput['source'], target: CheckTarget): Analysis | undefined {
  const src = findNamespace(namespaces, source.netns);
  const fromIface = source.name === undefined ? undefined : src?.interfaces.find((i) => i.name === source.name);
  // A source interface sends from its own addresses: keep to their families when it has some.
  const families = new Set<Family>(fromIface ? usableAddresses(fromIface).map((a) => a.family) : [4, 6]);
  const all = targetAddresses(namespaces, target);
  const addresses = all.filter((a) => families.has(familyOf(a) ?? 4));
  const list = addresses.length > 0 ? addresses : all;
  let first: Analysis | undefined;
  for (const address of list) {
    const a = analyze(namespaces, { source, address });
    if (a.reachable) {
      return a;
    }
    first ??= a;
  }
  return first;
}

export interface VethEnd {
  netns: NetnsRef;
  name: string;
  address: string;
}

export interface VethPair {
  a: VethEnd;
  b: VethEnd;
  family: Family;
}

/**
 * Every veth pair whose ends are in two namespaces of the model and both have an address of one
 * family (IPv4 preferred; in one subnet when they can be), once each.
 */
export function vethPairs(namespaces: readonly Namespace[]): VethPair[] {
  const out: VethPair[] = [];
  const seen = new Set<string>();
  const lookup = namespaceLookup(namespaces);
  for (const ns of namespaces) {
    for (const iface of ns.interfaces) {
      const peer = vethPeer(lookup, iface);
      if (!peer || peer.ns === ns) {
        continue;
      }
      const k = [placeKey(ns.name, iface.name), placeKey(peer.ns.name, peer.iface.name)].sort().join(' ');
      if (seen.has(k)) {
        continue;
      }
      seen.add(k);
      let chosen: VethPair | undefined;
      for (const f of [4, 6] as const) {
        const mine = usableAddresses(iface, f);
        const theirs = usableAddresses(peer.iface, f);
        if (mine.length === 0 || theirs.length === 0) {
          continue;
        }
        const width = f === 4 ? 32 : 128;
        const sameNet = (x: { address: string; prefixLen: number }, y: { address: string }) =>
          x.prefixLen < width && inPrefix(y.address, x.address, x.prefixLen, f);
        const pairInNet = mine.flatMap((m) => theirs.filter((t) => sameNet(m, t)).map((t) => [m, t] as const))[0];
        const [m, t] = pairInNet ?? [mine[0], theirs[0]];
        chosen = { a: { netns: ns.name, name: iface.name, address: m.address }, b: { netns: peer.ns.name, name: peer.iface.name, address: t.address }, family: f };
        break;
      }
      if (chosen) {
        out.push(chosen);
      }
    }
  }
  return out;
}

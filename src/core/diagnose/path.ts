// Why a namespace can or cannot reach an address, from the model alone: the route the kernel
// would pick in each namespace on the way (longest prefix of its main table, then the lowest
// metric), the interface it leaves by and whether that is up with a carrier, who on that link has
// the next hop (across veth peers and bridges), whether a namespace in the middle forwards, and
// then the same for the reply, from the target back to the source address. Each finding names the
// namespace and interface it is about, in words (MessagePart, translated where shown).

import { msg, part, type MessagePart } from '../messages';
import type { Interface, Namespace, NetnsRef, Route } from '../model';
import { addressBits, formatBits, inPrefix, isIPv4, isIPv6, parseRouteDestination } from '../validate';
import { findNamespace, hasCarrier, isUp, placeKey, segmentOf, vethPeer, type Place } from './links';

/** At most this many namespaces on one way (a routing loop ends here). */
const MAX_HOPS = 16;

export type Family = 4 | 6;

export interface Finding {
  /** `error`: the packet stops there; `warning`: it may be lost there; `info`: worth knowing. */
  level: 'error' | 'warning' | 'info';
  netns: NetnsRef;
  iface?: string;
  text: MessagePart;
  /** About the reply's way back rather than the request's. */
  back?: boolean;
}

export interface Hop {
  netns: NetnsRef;
  /** The interface it leaves by. */
  out: string;
  /** The gateway, when the route has one. */
  via?: string;
  /** The route taken, as ip prints its destination ("default", "10.0.2.0/24"). */
  route: string;
  /** The interface on that link that takes it (has the next hop). */
  to: { netns: NetnsRef; name: string };
}

export interface Way {
  hops: Hop[];
  /** The namespace and interface that have the destination, when the packet gets there. */
  arrived?: { netns: NetnsRef; name: string };
}

export interface Analysis {
  family: Family;
  source: { netns: NetnsRef; name?: string; address?: string };
  target: { address: string; netns?: NetnsRef; name?: string };
  reachable: boolean;
  forward: Way;
  back: Way;
  findings: Finding[];
  /** Every namespace and interface on the way, and whether a finding (an error) is about it. */
  involved: Involved[];
}

export interface Involved {
  netns: NetnsRef;
  /** Absent: the namespace's own row. */
  name?: string;
  problem: boolean;
}

/** How a namespace is named in a finding. */
export function nsName(netns: NetnsRef): string {
  return netns === null ? msg('the host namespace') : netns;
}

export function familyOf(address: string): Family | undefined {
  return isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
}

const sameAddress = (a: string, b: string, f: Family) => addressBits(a, f) === addressBits(b, f);
const width = (f: Family) => (f === 4 ? 32 : 128);

function networkOf(address: string, prefixLen: number, f: Family): string {
  const w = width(f);
  const mask = ((1n << BigInt(prefixLen)) - 1n) << BigInt(w - prefixLen);
  return `${formatBits(addressBits(address, f) & mask, f)}/${prefixLen}`;
}

/** The addresses of an interface of one family that a packet can be sent from or to (not link-local). */
export function usableAddresses(i: Interface, f?: Family) {
  return i.addresses.filter((a) => (f === undefined || a.family === f) && a.scope !== 'link' && a.scope !== 'host');
}

/** The namespace and interface that have `address`, if any does. */
export function ownerOf(namespaces: readonly Namespace[], address: string): Place | undefined {
  const f = familyOf(address);
  if (f === undefined) {
    return undefined;
  }
  for (const ns of namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.addresses.some((a) => a.family === f && sameAddress(a.address, address, f))) {
        return { ns, iface };
      }
    }
  }
  return undefined;
}

function ownInterface(ns: Namespace, address: string, f: Family): Interface | undefined {
  return ns.interfaces.find((i) => i.addresses.some((a) => a.family === f && sameAddress(a.address, address, f)));
}

interface TableRoute {
  route: Route;
  prefixLen: number;
  network: string;
}

/**
 * The main table as the kernel has it: the routes read, or (when they were not read) the
 * connected routes that the addresses of interfaces that are up make.
 */
function table(ns: Namespace, f: Family): TableRoute[] {
  const out: TableRoute[] = [];
  if (ns.routes) {
    for (const r of ns.routes) {
      if (r.family !== f) {
        continue;
      }
      if (r.destination === 'default') {
        out.push({ route: r, prefixLen: 0, network: f === 4 ? '0.0.0.0' : '::' });
        continue;
      }
      const d = parseRouteDestination(r.destination);
      if (typeof d === 'string') {
        continue;
      }
      const [network, len] = d.prefix.split('/');
      out.push({ route: r, prefixLen: Number(len), network });
    }
    return out;
  }
  for (const i of ns.interfaces) {
    if (!isUp(i) || i.kind === 'loopback') {
      continue;
    }
    for (const a of usableAddresses(i, f)) {
      const [network, len] = networkOf(a.address, a.prefixLen, f).split('/');
      out.push({ route: { family: f, destination: `${network}/${len}`, device: i.name, protocol: 'kernel', scope: 'link', prefsrc: a.address }, prefixLen: Number(len), network });
    }
  }
  return out;
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw']);

/** The route the kernel picks for `dest`: the longest prefix, then the lowest metric. */
export function lookupRoute(ns: Namespace, dest: string, f: Family): Route | undefined {
  let best: TableRoute | undefined;
  for (const t of table(ns, f)) {
    if (!ROUTE_TYPES.has(t.route.type ?? 'unicast') || !inPrefix(dest, t.network, t.prefixLen, f)) {
      continue;
    }
    if (!best || t.prefixLen > best.prefixLen || (t.prefixLen === best.prefixLen && (t.route.metric ?? 0) < (best.route.metric ?? 0))) {
      best = t;
    }
  }
  return best?.route;
}

/** The device of a route with a gateway and no device: the one whose connected route holds the gateway. */
function routeDevice(ns: Namespace, r: Route, f: Family): string | undefined {
  if (r.device !== undefined || r.gateway === undefined) {
    return r.device;
  }
  return lookupRoute(ns, r.gateway, f)?.device;
}

/** The address the kernel sends from out of `out` towards `nextHop` (the route's src, else one of `out`'s). */
export function sourceAddress(ns: Namespace, route: Route, out: Interface, nextHop: string, f: Family): string | undefined {
  if (route.prefsrc !== undefined) {
    return route.prefsrc;
  }
  const own = usableAddresses(out, f);
  const inSubnet = own.find((a) => inPrefix(nextHop, a.address, a.prefixLen, f));
  if (inSubnet ?? own[0]) {
    return (inSubnet ?? own[0]).address;
  }
  for (const i of ns.interfaces) {
    if (i.kind !== 'loopback' && isUp(i)) {
      const a = usableAddresses(i, f)[0];
      if (a) {
        return a.address;
      }
    }
  }
  return undefined;
}

interface Trace extends Way {
  findings: Finding[];
  /** The first route's interface and next hop (for the source address). */
  first?: { route: Route; out: Interface; nextHop: string };
  /** Places on the way, for the marks. */
  places: Place[];
  failedAt?: NetnsRef;
}

const routeText = (r: Route) => (r.gateway !== undefined ? `${r.destination} via ${r.gateway}${r.device ? ` dev ${r.device}` : ''}` : `${r.destination}${r.device ? ` dev ${r.device}` : ''}`);

/** Follows a packet from `start` to `dest` through the model. `back`: the reply's way (the words differ). */
function trace(namespaces: readonly Namespace[], start: Namespace, dest: string, f: Family, back: boolean): Trace {
  const t: Trace = { hops: [], findings: [], places: [] };
  const visited = new Set<string>();
  let ns = start;
  let arrivedBy: Interface | undefined;
  const fail = (finding: Omit<Finding, 'level' | 'back'> & { level?: Finding['level'] }) => {
    t.findings.push({ level: 'error', ...finding, ...(back ? { back: true } : {}) });
    t.failedAt = finding.netns;
    return t;
  };
  for (let step = 0; step <= MAX_HOPS; step++) {
    const key = placeKey(ns.name, '');
    if (visited.has(key)) {
      return fail({ netns: ns.name, text: part('{0} is reached again on the way to {1}: the routes make a loop.', nsName(ns.name), dest) });
    }
    visited.add(key);
    const own = ownInterface(ns, dest, f);
    if (own) {
      if (!isUp(own) && own !== arrivedBy) {
        return fail({ netns: ns.name, iface: own.name, text: part('{0} in {1} has {2} but is down: set it up.', own.name, nsName(ns.name), dest) });
      }
      t.arrived = { netns: ns.name, name: own.name };
      t.places.push({ ns, iface: own });
      return t;
    }
    if (step > 0 && ns.forwarding && !(f === 4 ? ns.forwarding.ipv4 : ns.forwarding.ipv6)) {
      return fail({
        netns: ns.name,
        text:
          f === 4
            ? part('{0} does not forward IPv4 (net.ipv4.ip_forward=0): enable forwarding in {0}.', nsName(ns.name))
            : part('{0} does not forward IPv6 (net.ipv6.conf.all.forwarding=0): enable forwarding in {0}.', nsName(ns.name)),
      });
    }
    const route = lookupRoute(ns, dest, f);
    if (!route) {
      return fail(noRoute(namespaces, ns, dest, f, back));
    }
    const type = route.type ?? 'unicast';
    if (type !== 'unicast') {
      return fail({ netns: ns.name, text: part('{0} has a {1} route for {2} ({3}): it drops the packet.', nsName(ns.name), type, dest, route.destination) });
    }
    const device = routeDevice(ns, route, f);
    const out = device === undefined ? undefined : ns.interfaces.find((i) => i.name === device);
    if (!out) {
      return fail({ netns: ns.name, text: part('The route {0} of {1} names no interface that is there.', routeText(route), nsName(ns.name)) });
    }
    t.places.push({ ns, iface: out });
    if (!isUp(out)) {
      return fail({ netns: ns.name, iface: out.name, text: part('{0} in {1} is down: set it up.', out.name, nsName(ns.name)) });
    }
    if (!hasCarrier(out)) {
      const peer = vethPeer(namespaces, out);
      return fail({
        netns: ns.name,
        iface: out.name,
        text:
          peer && !isUp(peer.iface)
            ? part('{0} in {1} has no carrier: its peer {2} in {3} is down; set it up.', out.name, nsName(ns.name), peer.iface.name, nsName(peer.ns.name))
            : part('{0} in {1} has no carrier: nothing on its other end is up.', out.name, nsName(ns.name)),
      });
    }
    const nextHop = route.gateway ?? dest;
    if (step === 0) {
      t.first = { route, out, nextHop };
    }
    const segment = segmentOf(namespaces, ns, out);
    const holder = segment.reach.find((p) => p.iface.addresses.some((a) => a.family === f && sameAddress(a.address, nextHop, f)));
    if (!holder) {
      const cut = segment.blocked.find((b) => b.place.iface.addresses.some((a) => a.family === f && sameAddress(a.address, nextHop, f)));
      if (cut) {
        t.places.push(cut.by);
        return fail({ netns: cut.by.ns.name, iface: cut.by.iface.name, text: part('{0} in {1} is down, so {2} cannot be reached through it: set it up.', cut.by.iface.name, nsName(cut.by.ns.name), nextHop) });
      }
      if (route.gateway !== undefined) {
        return fail({
          netns: ns.name,
          iface: out.name,
          text: part('No interface on the link of {0} in {1} has the gateway {2} of its route {3}.', out.name, nsName(ns.name), route.gateway, route.destination),
        });
      }
      const owner = ownerOf(namespaces, dest);
      return fail({
        netns: ns.name,
        iface: out.name,
        text: owner
          ? part('{0} sends {1} out of {2} as if it were on that link, but {1} is on {3} in {4}, which is not on that link.', nsName(ns.name), dest, out.name, owner.iface.name, nsName(owner.ns.name))
          : part('{0} sends {1} out of {2}, but nothing on that link has {1}.', nsName(ns.name), dest, out.name),
      });
    }
    for (const p of [{ ns, iface: out }, holder]) {
      if (p.iface.netem?.lossPct) {
        t.findings.push({ level: 'warning', netns: p.ns.name, iface: p.iface.name, text: part('{0} in {1} drops {2}% of the packets it sends (link impairment).', p.iface.name, nsName(p.ns.name), p.iface.netem.lossPct), ...(back ? { back: true } : {}) });
      }
    }
    t.hops.push({ netns: ns.name, out: out.name, ...(route.gateway !== undefined ? { via: route.gateway } : {}), route: route.destination, to: { netns: holder.ns.name, name: holder.iface.name } });
    t.places.push(holder);
    ns = holder.ns;
    arrivedBy = holder.iface;
  }
  return fail({ netns: ns.name, text: part('{0} is more than {1} namespaces away: the routes make a loop.', dest, MAX_HOPS) });
}

/** Why there is no route, as precisely as the model tells: a down interface, no common subnet, or a route to add. */
function noRoute(namespaces: readonly Namespace[], ns: Namespace, dest: string, f: Family, back: boolean): Omit<Finding, 'level'> {
  const where = nsName(ns.name);
  // An interface that is down has lost its connected routes.
  for (const i of ns.interfaces) {
    if (!isUp(i) && usableAddresses(i, f).some((a) => inPrefix(dest, a.address, a.prefixLen, f))) {
      return { netns: ns.name, iface: i.name, text: part('{0} in {1} is down, so {1} has no route to {2} (its subnet): set it up.', i.name, where, dest) };
    }
  }
  // The destination is on a link of this namespace, in another subnet.
  for (const i of ns.interfaces) {
    if (!isUp(i) || i.kind === 'loopback') {
      continue;
    }
    const other = segmentOf(namespaces, ns, i).reach.find((p) => p.iface.addresses.some((a) => a.family === f && sameAddress(a.address, dest, f)));
    if (other) {
      const theirs = other.iface.addresses.find((a) => a.family === f && sameAddress(a.address, dest, f))!;
      const mine = usableAddresses(i, f)[0];
      return {
        netns: ns.name,
        iface: i.name,
        text: mine
          ? part(
              '{0}/{1} on {2} in {3} and {4}/{5} on {6} in {7} share no subnet: put both ends in one subnet.',
              mine.address,
              mine.prefixLen,
              i.name,
              where,
              theirs.address,
              theirs.prefixLen,
              other.iface.name,
              nsName(other.ns.name),
            )
          : part('{0} in {1} has no {2} address, and {3} on {4} in {5} across its link does: add one in {6}.', i.name, where, f === 4 ? 'IPv4' : 'IPv6', theirs.address, other.iface.name, nsName(other.ns.name), networkOf(theirs.address, theirs.prefixLen, f)),
      };
    }
  }
  const gw = suggestedGateway(namespaces, ns, dest, f);
  if (gw) {
    return {
      netns: ns.name,
      text: back ? part('{0} has no route back to {1}: add a route via {2} or a default route.', where, dest, gw) : part('{0} has no route to {1}: add a route via {2} or a default route.', where, dest, gw),
    };
  }
  return {
    netns: ns.name,
    text: back
      ? part('{0} has no route back to {1}, and no router on its links to send it to: connect it to one, then add a route.', where, dest)
      : part('{0} has no route to {1}, and no router on its links to send it to: connect it to one, then add a route.', where, dest),
  };
}

/**
 * A gateway to suggest: an address in a subnet of `ns` on one of its links whose namespace has
 * the destination, or forwards and has a route to it (then any that forwards).
 */
function suggestedGateway(namespaces: readonly Namespace[], ns: Namespace, dest: string, f: Family): string | undefined {
  const candidates: { address: string; rank: number }[] = [];
  for (const i of ns.interfaces) {
    if (!isUp(i) || i.kind === 'loopback') {
      continue;
    }
    const mine = usableAddresses(i, f);
    for (const p of segmentOf(namespaces, ns, i).reach) {
      if (p.ns === ns) {
        continue;
      }
      const forwards = p.ns.forwarding ? (f === 4 ? p.ns.forwarding.ipv4 : p.ns.forwarding.ipv6) : false;
      for (const a of usableAddresses(p.iface, f)) {
        if (!mine.some((m) => inPrefix(a.address, m.address, m.prefixLen, f))) {
          continue;
        }
        const has = ownInterface(p.ns, dest, f) !== undefined;
        const onward = forwards && lookupRoute(p.ns, dest, f) !== undefined;
        if (has || onward || forwards) {
          candidates.push({ address: a.address, rank: has ? 0 : onward ? 1 : 2 });
        }
      }
    }
  }
  return candidates.sort((a, b) => a.rank - b.rank)[0]?.address;
}

export interface CheckInput {
  source: { netns: NetnsRef; name?: string };
  /** The address to reach. */
  address: string;
}

/** The whole check: the way there, the way back, and what is wrong on either. */
export function analyze(namespaces: readonly Namespace[], input: CheckInput): Analysis {
  const f = familyOf(input.address);
  const owner = ownerOf(namespaces, input.address);
  const target: Analysis['target'] = { address: input.address, ...(owner ? { netns: owner.ns.name, name: owner.iface.name } : {}) };
  const base: Pick<Analysis, 'family' | 'target' | 'forward' | 'back'> = { family: f ?? 4, target, forward: { hops: [] }, back: { hops: [] } };
  const src = findNamespace(namespaces, input.source.netns);
  if (f === undefined) {
    return { ...base, source: input.source, reachable: false, findings: [{ level: 'error', netns: input.source.netns, text: part('"{0}" is not an IPv4 or IPv6 address.', input.address) }], involved: [] };
  }
  if (!src) {
    return { ...base, source: input.source, reachable: false, findings: [{ level: 'error', netns: input.source.netns, text: part('{0} is not in the view (deleted, or not read yet).', nsName(input.source.netns)) }], involved: [] };
  }
  const findings: Finding[] = [];
  let fromIface: Interface | undefined;
  let sourceAddr: string | undefined;
  if (input.source.name !== undefined) {
    fromIface = src.interfaces.find((i) => i.name === input.source.name);
    if (!fromIface) {
      findings.push({ level: 'error', netns: src.name, iface: input.source.name, text: part('{0} is not in {1} (moved or deleted).', input.source.name, nsName(src.name)) });
    } else {
      sourceAddr = usableAddresses(fromIface, f)[0]?.address;
      if (sourceAddr === undefined) {
        findings.push({ level: 'error', netns: src.name, iface: fromIface.name, text: part('{0} in {1} has no {2} address to send from: add one.', fromIface.name, nsName(src.name), f === 4 ? 'IPv4' : 'IPv6') });
      } else if (!isUp(fromIface)) {
        findings.push({ level: 'warning', netns: src.name, iface: fromIface.name, text: part('{0} in {1} is down: its address {2} is not used while it is.', fromIface.name, nsName(src.name), sourceAddr) });
      }
    }
  }
  const forward = trace(namespaces, src, input.address, f, false);
  findings.push(...forward.findings);
  if (sourceAddr === undefined && fromIface === undefined && forward.first) {
    sourceAddr = sourceAddress(src, forward.first.route, forward.first.out, forward.first.nextHop, f);
  }
  if (sourceAddr === undefined && fromIface === undefined && forward.arrived && forward.hops.length === 0) {
    sourceAddr = input.address; // its own address: the reply stays inside
  }
  let back: Trace = { hops: [], findings: [], places: [] };
  if (forward.arrived && sourceAddr !== undefined && forward.hops.length > 0) {
    const end = findNamespace(namespaces, forward.arrived.netns)!;
    back = trace(namespaces, end, sourceAddr, f, true);
    findings.push(...back.findings);
    if (back.arrived && back.arrived.netns !== src.name) {
      findings.push({
        level: 'error',
        netns: back.arrived.netns,
        back: true,
        text: part('The reply to {0} goes to {1}, not back to {2}: {0} is an address of both.', sourceAddr, nsName(back.arrived.netns), nsName(src.name)),
      });
    }
  } else if (forward.arrived && sourceAddr === undefined && forward.hops.length > 0) {
    findings.push({ level: 'error', netns: src.name, text: part('{0} has no {1} address to send from: add one to the interface it sends by.', nsName(src.name), f === 4 ? 'IPv4' : 'IPv6') });
  }
  // Where the request ends up names the target, when several namespaces have the address.
  const reached = forward.arrived ? findNamespace(namespaces, forward.arrived.netns) : undefined;
  const holder = reached ? { ns: reached, iface: reached.interfaces.find((i) => i.name === forward.arrived!.name)! } : owner;
  const reachable = !findings.some((x) => x.level === 'error');
  const involved = new Map<string, Involved>();
  const mark = (netns: NetnsRef, name: string | undefined, problem: boolean) => {
    const k = placeKey(netns, name ?? '');
    const was = involved.get(k);
    involved.set(k, { netns, ...(name !== undefined ? { name } : {}), problem: problem || (was?.problem ?? false) });
  };
  mark(src.name, undefined, false);
  if (fromIface) {
    mark(src.name, fromIface.name, false);
  }
  for (const p of [...forward.places, ...back.places]) {
    mark(p.ns.name, undefined, false);
    mark(p.ns.name, p.iface.name, false);
  }
  if (holder) {
    mark(holder.ns.name, undefined, false);
    mark(holder.ns.name, holder.iface.name, false);
  }
  for (const x of findings) {
    if (x.level === 'error') {
      mark(x.netns, x.iface, true);
    }
  }
  return {
    family: f,
    source: { ...input.source, ...(sourceAddr !== undefined ? { address: sourceAddr } : {}) },
    target: { address: input.address, ...(holder ? { netns: holder.ns.name, name: holder.iface.name } : {}) },
    reachable,
    forward: { hops: forward.hops, ...(forward.arrived ? { arrived: forward.arrived } : {}) },
    back: { hops: back.hops, ...(back.arrived ? { arrived: back.arrived } : {}) },
    findings,
    involved: [...involved.values()],
  };
}

/** One hop in words: "ns1: default via 10.0.1.1 out of eth0 → eth-a in r". */
export function hopText(h: Hop): MessagePart {
  return h.via !== undefined
    ? part('{0}: route {1} via {2} out of {3}, to {4} in {5}', nsName(h.netns), h.route, h.via, h.out, h.to.name, nsName(h.to.netns))
    : part('{0}: route {1} out of {2}, to {3} in {4}', nsName(h.netns), h.route, h.out, h.to.name, nsName(h.to.netns));
}

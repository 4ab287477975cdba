// Whether a route's gateway can be reached from a namespace as the model shows it: the kernel
// takes a gateway only inside a connected prefix (an address's subnet on an interface that is up,
// or a route straight onto a link). Checked before a route is sent, so the user hears which
// prefixes the namespace has instead of the kernel's "Nexthop has invalid gateway".

import { msg } from './messages';
import type { Namespace } from './model';
import { addressBits, formatBits, inPrefix, parseAddress, parseRouteDestination } from './validate';

export interface ConnectedPrefix {
  family: 4 | 6;
  /** The network, "10.0.0.0". */
  network: string;
  prefixLen: number;
  device: string;
  /** The namespace's own address in it, when it comes from an address. */
  own?: string;
}

export function prefixText(p: ConnectedPrefix): string {
  return `${p.network}/${p.prefixLen}`;
}

/** The prefixes a gateway may be in: subnets of the addresses (not loopback's), and link routes. */
export function connectedPrefixes(ns: Namespace, family: 4 | 6): ConnectedPrefix[] {
  const out: ConnectedPrefix[] = [];
  const seen = new Set<string>();
  const add = (p: ConnectedPrefix) => {
    const k = `${prefixText(p)} ${p.device}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const i of ns.interfaces) {
    if (i.kind === 'loopback') {
      continue;
    }
    for (const a of i.addresses) {
      if (a.family !== family || a.prefixLen === (family === 4 ? 32 : 128)) {
        continue;
      }
      const width = family === 4 ? 32 : 128;
      const mask = ((1n << BigInt(a.prefixLen)) - 1n) << BigInt(width - a.prefixLen);
      add({ family, network: formatBits(addressBits(a.address, family) & mask, family), prefixLen: a.prefixLen, device: i.name, own: a.address });
    }
  }
  for (const r of ns.routes ?? []) {
    if (r.family !== family || r.gateway || !r.device || r.destination === 'default' || (r.type && r.type !== 'unicast')) {
      continue;
    }
    if (family === 4 && r.scope !== 'link') {
      continue;
    }
    const d = parseRouteDestination(r.destination);
    if (typeof d === 'string') {
      continue;
    }
    const [network, len] = d.prefix.split('/');
    if (Number(len) === (family === 4 ? 32 : 128)) {
      continue;
    }
    add({ family, network, prefixLen: Number(len), device: r.device });
  }
  return out;
}

/**
 * What is wrong with `gateway` as the next hop of a route in `ns` (through `device`, when given);
 * undefined when a connected prefix holds it.
 */
export function gatewayProblem(ns: Namespace, gateway: string, device?: string): string | undefined {
  const g = parseAddress(gateway);
  if (typeof g === 'string') {
    return g;
  }
  const where = ns.name === null ? msg('the host namespace') : ns.name;
  const all = connectedPrefixes(ns, g.family);
  const usable = device === undefined ? all : all.filter((p) => p.device === device);
  const inside = usable.filter((p) => inPrefix(g.address, p.network, p.prefixLen, g.family));
  if (inside.length > 0) {
    if (inside.some((p) => p.own !== undefined && addressBits(p.own, g.family) === addressBits(g.address, g.family))) {
      return msg('{0} is an address of {1} itself; the gateway must be another host in the subnet.', g.address, where);
    }
    return undefined;
  }
  const family = g.family === 4 ? 'IPv4' : 'IPv6';
  if (usable.length === 0) {
    return device === undefined
      ? msg('{0} has no {1} subnet for the gateway {2}; add an address in its subnet to an interface first.', where, family, g.address)
      : msg('{0} has no {1} subnet on {2} for the gateway {3}; add an address in its subnet to {2} first.', where, family, device, g.address);
  }
  const list = usable.map((p) => msg('{0} on {1}', prefixText(p), p.device)).join(', ');
  return msg('{0} is not in any subnet of {1} ({2}); add an address in that subnet first.', g.address, where, list);
}

/** A likely gateway in a prefix: the first host that is not the namespace's own address. */
export function suggestGateway(p: ConnectedPrefix): string {
  const width = p.family === 4 ? 32 : 128;
  const base = addressBits(p.network, p.family);
  const hostBits = width - p.prefixLen;
  const own = p.own === undefined ? -1n : addressBits(p.own, p.family);
  const first = hostBits >= 2 ? base + 1n : base;
  return formatBits(first === own ? first + 1n : first, p.family);
}

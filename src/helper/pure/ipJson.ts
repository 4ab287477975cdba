// Parses `ip -d -j address show` and `ip -d -j route show` output into the model (used by the
// `ip` fallback reader).

import type { Address, Interface, Route } from '../../core/model';

interface IpAddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
}

interface IpLink {
  ifindex?: number;
  ifname?: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  master?: string;
  link?: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: { id?: number } };
  addr_info?: IpAddrInfo[];
}

/** The kind the way the tree names it: the rtnetlink kind, or "loopback"/"ether"/link type. */
export function kindOf(infoKind: string | undefined, linkType: string | undefined, flags: string[]): string {
  if (infoKind) {
    return infoKind;
  }
  if (flags.includes('LOOPBACK') || linkType === 'loopback') {
    return 'loopback';
  }
  return linkType ?? 'ether';
}

export function parseIpAddrJson(text: string): Interface[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    return [];
  }
  const links = JSON.parse(trimmed) as IpLink[];
  if (!Array.isArray(links)) {
    throw new Error('ip -j printed something other than a list');
  }
  const out: Interface[] = [];
  const parents = new Map<Interface, string>();
  for (const l of links) {
    if (typeof l.ifindex !== 'number' || typeof l.ifname !== 'string') {
      continue; // ip prints {} for entries it could not describe
    }
    const flags = (l.flags ?? []).filter((f) => f !== 'M-DOWN');
    const kind = kindOf(l.linkinfo?.info_kind, l.link_type, flags);
    const addresses: Address[] = [];
    for (const a of l.addr_info ?? []) {
      if ((a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string') {
        addresses.push({
          family: a.family === 'inet' ? 4 : 6,
          address: a.local,
          prefixLen: a.prefixlen ?? (a.family === 'inet' ? 32 : 128),
          scope: a.scope,
        });
      }
    }
    const iface: Interface = {
      ifindex: l.ifindex,
      name: l.ifname,
      kind,
      operState: l.operstate ?? 'UNKNOWN',
      flags,
      mtu: l.mtu ?? 0,
      addresses,
    };
    if (l.address && l.link_type !== 'none') {
      iface.mac = l.address;
    }
    if (l.master) {
      iface.master = l.master;
    }
    if (kind === 'vlan' && typeof l.linkinfo?.info_data?.id === 'number') {
      iface.vlanId = l.linkinfo.info_data.id;
    }
    if (typeof l.link === 'string' && kind === 'veth') {
      // Same namespace: ip prints the peer's name instead of its index; resolved below.
      iface.peer = { ifindex: 0, name: l.link };
    } else if (typeof l.link_index === 'number') {
      if (kind === 'veth') {
        iface.peer = { ifindex: l.link_index };
        if (typeof l.link_netnsid === 'number') {
          iface.peer.linkNetnsid = l.link_netnsid;
        }
      } else if (l.link_netnsid === undefined) {
        iface.linkIfindex = l.link_index;
      }
    } else if (typeof l.link === 'string') {
      // A parent in the same namespace (vlan, macvlan): ip prints its name; resolved below.
      parents.set(iface, l.link);
    }
    out.push(iface);
  }
  const byName = new Map(out.map((i) => [i.name, i.ifindex]));
  for (const i of out) {
    if (i.peer && i.peer.ifindex === 0 && i.peer.name !== undefined) {
      i.peer.ifindex = byName.get(i.peer.name) ?? 0;
    }
  }
  for (const [i, parent] of parents) {
    const index = byName.get(parent);
    if (index !== undefined) {
      i.linkIfindex = index;
    }
  }
  return out;
}

/** Parses `ip -j netns list` into name -> nsid (only entries that have an id). */
export function parseNetnsListJson(text: string): Map<string, number> {
  const map = new Map<string, number>();
  const trimmed = text.trim();
  if (trimmed === '') {
    return map;
  }
  for (const e of JSON.parse(trimmed) as { name?: string; id?: number }[]) {
    if (typeof e.name === 'string' && typeof e.id === 'number') {
      map.set(e.name, e.id);
    }
  }
  return map;
}

interface IpRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  via?: { family?: string; host?: string };
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  prefsrc?: string;
  flags?: string[];
}

/** Parses `ip [-d] -j [-6] route show` (the main table) into routes of the given family. */
export function parseIpRouteJson(text: string, family: 4 | 6): Route[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    return [];
  }
  const list = JSON.parse(trimmed) as IpRoute[];
  if (!Array.isArray(list)) {
    throw new Error('ip -j printed something other than a list');
  }
  const out: Route[] = [];
  for (const r of list) {
    if (typeof r.dst !== 'string') {
      continue;
    }
    // The model leaves out what ip -j (without -d) leaves out: unicast, protocol boot, scope global.
    const route: Route = { family, destination: r.dst };
    if (r.type !== undefined && r.type !== 'unicast') {
      route.type = r.type;
    }
    if (r.protocol !== undefined && r.protocol !== 'boot') {
      route.protocol = r.protocol;
    }
    if (r.scope !== undefined && r.scope !== 'global') {
      route.scope = r.scope;
    }
    const gateway = r.gateway ?? r.via?.host;
    if (typeof gateway === 'string') {
      route.gateway = gateway;
    }
    if (typeof r.dev === 'string') {
      route.device = r.dev;
    }
    if (typeof r.metric === 'number') {
      route.metric = r.metric;
    }
    if (typeof r.prefsrc === 'string') {
      route.prefsrc = r.prefsrc;
    }
    if (Array.isArray(r.flags) && r.flags.length > 0) {
      route.flags = r.flags;
    }
    out.push(route);
  }
  return out;
}

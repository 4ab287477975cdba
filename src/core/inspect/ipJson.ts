// `ip -j neigh`, `ip -j rule` and `ip -j route show table all` as the inspection's data. Pure: the
// helper runs the commands, these turn their JSON into the result (and say what ip said oddly).

import type { Neighbour, RoutingRule, TableRoute } from './types';

type Json = Record<string, unknown>;

function parseList(text: string): Json[] {
  const t = text.trim();
  if (t === '') {
    return [];
  }
  const v = JSON.parse(t) as unknown;
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function parseNeighbours(text: string, family: 4 | 6): Neighbour[] {
  return parseList(text).flatMap((n) => {
    const address = str(n.dst);
    if (!address) {
      return [];
    }
    const out: Neighbour = { family, address, state: Array.isArray(n.state) ? n.state.filter((s): s is string => typeof s === 'string') : [] };
    const dev = str(n.dev);
    if (dev) {
      out.device = dev;
    }
    const mac = str(n.lladdr);
    if (mac) {
      out.mac = mac;
    }
    if ('router' in n) {
      out.router = true;
    }
    return [out];
  });
}

/** One `ip rule` as ip prints it after the priority: "from all lookup main". */
export function ruleText(r: Json): string {
  const words: string[] = [];
  if ('not' in r) {
    words.push('not');
  }
  const prefix = (addr: unknown, len: unknown) => `${str(addr) ?? 'all'}${typeof len === 'number' ? `/${len}` : ''}`;
  words.push('from', prefix(r.src, r.srclen));
  if (r.dst !== undefined) {
    words.push('to', prefix(r.dst, r.dstlen));
  }
  const pairs: [string, string][] = [
    ['tos', 'tos'],
    ['dsfield', 'dsfield'],
    ['fwmark', 'fwmark'],
    ['iif', 'iif'],
    ['oif', 'oif'],
    ['uidrange', 'uidrange'],
    ['ipproto', 'ipproto'],
    ['sport', 'sport'],
    ['dport', 'dport'],
    ['tun_id', 'tun_id'],
  ];
  for (const [key, word] of pairs) {
    const v = str(r[key]);
    if (v !== undefined) {
      words.push(word, key === 'fwmark' && r.fwmask !== undefined ? `${v}/${str(r.fwmask)}` : v);
    }
  }
  if ('iif_detached' in r || 'oif_detached' in r) {
    words.push('[detached]');
  }
  if ('l3mdev' in r) {
    words.push('lookup', '[l3mdev-table]');
  }
  const action = str(r.action);
  const table = str(r.table);
  if (table !== undefined && (action === undefined || action === 'to_tbl')) {
    words.push('lookup', table);
  } else if (action === 'goto' || r.goto !== undefined) {
    words.push('goto', str(r.goto) ?? '?');
  } else if (action !== undefined) {
    words.push(action);
  }
  if (r.suppress_prefixlength !== undefined) {
    words.push('suppress_prefixlength', str(r.suppress_prefixlength) ?? '');
  }
  if (r.suppress_ifgroup !== undefined) {
    words.push('suppress_ifgroup', str(r.suppress_ifgroup) ?? '');
  }
  const proto = str(r.protocol);
  if (proto !== undefined) {
    words.push('proto', proto);
  }
  return words.join(' ');
}

export function parseRules(text: string, family: 4 | 6): RoutingRule[] {
  return parseList(text).map((r) => ({ family, priority: typeof r.priority === 'number' ? r.priority : 0, text: ruleText(r) }));
}

export function parseTableRoutes(text: string, family: 4 | 6): TableRoute[] {
  return parseList(text).flatMap((r) => {
    const destination = str(r.dst);
    if (!destination) {
      return [];
    }
    const out: TableRoute = { family, table: str(r.table) ?? 'main', destination };
    const type = str(r.type);
    if (type && type !== 'unicast') {
      out.type = type;
    }
    const via = r.via as Json | undefined;
    const gateway = str(r.gateway) ?? (via && typeof via === 'object' ? str(via.host) : undefined);
    if (gateway) {
      out.gateway = gateway;
    }
    for (const k of ['dev', 'protocol', 'scope', 'prefsrc'] as const) {
      const v = str(r[k]);
      if (v !== undefined) {
        out[k === 'dev' ? 'device' : k] = v;
      }
    }
    if (typeof r.metric === 'number') {
      out.metric = r.metric;
    }
    if (Array.isArray(r.flags) && r.flags.length > 0) {
      out.flags = r.flags.filter((f): f is string => typeof f === 'string');
    }
    return [out];
  });
}

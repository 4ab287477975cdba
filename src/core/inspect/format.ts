// The text of an inspection document: each part as the lines a user knows from ip, ss, nft and
// sysctl, under a heading of its own. Pure: the extension fetches, this writes.

import { msg } from '../messages';
import type { Namespace } from '../model';
import type { FirewallResult, InspectPart, NeighboursResult, NetnsFilesResult, RulesResult, SkippedFile, SocketEntry, SocketsResult, SysctlsResult } from './types';

/** The heading of each part. */
export function partTitle(part: InspectPart, netns: string | null): string {
  switch (part) {
    case 'interfaces':
      return msg('Interfaces');
    case 'routes':
      return msg('Routing rules and tables');
    case 'neighbours':
      return msg('Neighbours (ARP, NDP)');
    case 'sockets':
      return msg('Sockets');
    case 'firewall':
      return msg('Firewall');
    case 'sysctls':
      return msg('Sysctls');
    case 'files':
      return netns === null ? msg('Namespace files') : `/etc/netns/${netns}`;
  }
}

/** Rows as columns padded to the widest cell (the last column is not padded). */
export function table(rows: string[][], indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  }
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

// ---- interfaces ---------------------------------------------------------------------------------

export function formatInterfaces(ns: Namespace): string[] {
  if (ns.interfaces.length === 0) {
    return [msg('No interfaces.')];
  }
  const out: string[] = [];
  for (const i of ns.interfaces) {
    const head = [`${i.ifindex}: ${i.name}`, i.operState, i.kind, `mtu ${i.mtu}`];
    if (i.mac) {
      head.push(i.mac);
    }
    if (i.master) {
      head.push(`master ${i.master}`);
    }
    if (i.peer) {
      const where = i.peer.netns === undefined ? '' : `@${i.peer.netns === null ? 'host' : i.peer.netns}`;
      head.push(`peer ${i.peer.name ?? `if${i.peer.ifindex}`}${where}`);
    }
    if (i.flags.length > 0) {
      head.push(`<${i.flags.join(',')}>`);
    }
    out.push(head.join('  '));
    for (const a of i.addresses) {
      out.push(`    ${a.family === 4 ? 'inet' : 'inet6'} ${a.address}/${a.prefixLen}${a.scope && a.scope !== 'global' ? ` scope ${a.scope}` : ''}`);
    }
  }
  return out;
}

// ---- routing ------------------------------------------------------------------------------------

export function formatRules(r: RulesResult): string[] {
  const out: string[] = [msg('Policy rules (ip rule):')];
  for (const family of [4, 6] as const) {
    const rules = r.rules.filter((x) => x.family === family);
    out.push(`  IPv${family}`);
    out.push(...(rules.length === 0 ? [`    ${msg('none')}`] : rules.map((x) => `    ${x.priority}:\t${x.text}`)));
  }
  out.push('', msg('Routes of every table (ip route show table all):'));
  const tables = [...new Set(r.routes.map((x) => x.table))].sort((a, b) => tableOrder(a) - tableOrder(b) || a.localeCompare(b, 'en', { numeric: true }));
  if (tables.length === 0) {
    out.push(`  ${msg('none')}`);
  }
  for (const t of tables) {
    out.push(`  table ${t}`);
    for (const x of r.routes.filter((y) => y.table === t)) {
      const words = [x.type, x.destination];
      if (x.gateway) {
        words.push('via', x.gateway);
      }
      if (x.device) {
        words.push('dev', x.device);
      }
      if (x.protocol) {
        words.push('proto', x.protocol);
      }
      if (x.scope) {
        words.push('scope', x.scope);
      }
      if (x.prefsrc) {
        words.push('src', x.prefsrc);
      }
      if (x.metric !== undefined) {
        words.push('metric', String(x.metric));
      }
      words.push(...(x.flags ?? []));
      out.push(`    ${words.filter((w) => w !== undefined).join(' ')}`);
    }
  }
  if (r.truncated) {
    out.push(msg('(more routes than are shown: the list was cut short)'));
  }
  return out;
}

/** main first, then local and default, then numbered tables. */
function tableOrder(t: string): number {
  return t === 'main' ? 0 : t === 'local' ? 1 : t === 'default' ? 2 : 3;
}

// ---- neighbours ---------------------------------------------------------------------------------

export function formatNeighbours(r: NeighboursResult): string[] {
  if (r.neighbours.length === 0) {
    return [msg('No neighbours: nothing was resolved on this namespace\'s links yet.')];
  }
  const rows = r.neighbours.map((n) => [n.address, n.device ? `dev ${n.device}` : '', n.mac ? `lladdr ${n.mac}` : '', [...(n.router ? ['router'] : []), ...n.state].join(' ')]);
  const out = table(rows);
  if (r.truncated) {
    out.push(msg('(more neighbours than are shown: the list was cut short)'));
  }
  return out;
}

// ---- sockets ------------------------------------------------------------------------------------

/** A TCP listener, or a bound UDP socket that is not connected (what answers when asked). */
export function isListening(s: SocketEntry): boolean {
  return s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN' && s.localPort !== 0;
}

/** "127.0.0.1:80", "[::]:53", "0.0.0.0:*" as ss writes them. */
export function endpoint(address: string, port: number, family: 4 | 6): string {
  const a = family === 6 ? `[${address}]` : address;
  return `${a}:${port === 0 ? '*' : port}`;
}

/** "node (pid 123, fd 19, root)"; several processes comma-separated. */
export function ownersText(s: SocketEntry): string {
  return s.owners.map((o) => `${o.command} (pid ${o.pid}${o.fd !== undefined ? `, fd ${o.fd}` : ''}, ${o.user})`).join(', ');
}

export function sortSockets(list: SocketEntry[]): SocketEntry[] {
  return [...list].sort(
    (a, b) =>
      Number(isListening(b)) - Number(isListening(a)) ||
      a.protocol.localeCompare(b.protocol) ||
      a.localPort - b.localPort ||
      a.family - b.family ||
      a.local.localeCompare(b.local) ||
      a.remotePort - b.remotePort,
  );
}

export function formatSockets(r: SocketsResult): string[] {
  if (r.sockets.length === 0) {
    return [msg('No TCP or UDP sockets.')];
  }
  const listening = r.sockets.filter(isListening).length;
  const rows = [
    // ss's columns, the queues last: the process matters more in a narrow editor.
    ['Netid', 'State', 'Local Address:Port', 'Peer Address:Port', 'Process', 'Recv-Q', 'Send-Q'],
    ...sortSockets(r.sockets).map((s) => [
      s.protocol,
      s.state,
      endpoint(s.local, s.localPort, s.family),
      endpoint(s.remote, s.remotePort, s.family),
      ownersText(s) || (s.inode === 0 ? '-' : `uid ${s.uid}`),
      String(s.recvQ),
      String(s.sendQ),
    ]),
  ];
  const count = r.sockets.length === 1 ? msg('1 socket, {0} listening.', listening) : msg('{0} sockets, {1} listening.', r.sockets.length, listening);
  const out = [count, ...table(rows)];
  if (r.truncated) {
    out.push(msg('(more sockets than are shown: the list was cut short)'));
  }
  if (r.processesTruncated) {
    out.push(msg('(the search for the processes holding them stopped at its bound; some may be missing)'));
  }
  return out;
}

// ---- firewall -----------------------------------------------------------------------------------

export function formatFirewall(r: FirewallResult): string[] {
  if (r.tool === null) {
    return [msg('Neither nft nor iptables-save is installed, so the firewall cannot be shown. Install nftables (apt install nftables).')];
  }
  const text = r.text.replace(/\s+$/, '');
  if (text === '') {
    return [r.tool === 'nft' ? msg('No rules: nft list ruleset shows nothing here (and no legacy iptables tables are in use).') : msg('No rules: no iptables tables are in use here.')];
  }
  const source = r.tool === 'nft' ? msg('From nft list ruleset:') : msg('From iptables-legacy-save (legacy iptables tables are in use; nftables shows nothing):');
  const out = [source, ...text.split('\n')];
  if (r.truncated) {
    out.push(msg('(the output was longer than its bound and was cut short)'));
  }
  return out;
}

// ---- sysctls ------------------------------------------------------------------------------------

export function formatSysctls(r: SysctlsResult): string[] {
  if (r.values.length === 0) {
    return [msg('No settings could be read.')];
  }
  return r.values.map((v) => `${v.key} = ${v.value}`);
}

// ---- /etc/netns/NAME ----------------------------------------------------------------------------

function skippedText(s: SkippedFile): string {
  switch (s) {
    case 'symlink':
      return msg('a symbolic link: not followed');
    case 'notRegular':
      return msg('not a regular file: not read');
    case 'tooLarge':
      return msg('larger than 64 KiB: not read');
    case 'notReadable':
      return msg('not readable');
    case 'binary':
      return msg('not text: not shown');
    case 'tooMany':
      return msg('beyond the first 16 files: not read');
  }
}

export function formatNetnsFiles(r: NetnsFilesResult | undefined, netns: string | null): string[] {
  if (netns === null || r === undefined) {
    return [msg('The host has no /etc/netns folder: its files are /etc/resolv.conf and /etc/hosts themselves.')];
  }
  if (r.refused) {
    return [msg('{0} is {1}, so nothing in it is read.', r.dir, r.refused === 'symlink' ? msg('a symbolic link') : r.refused === 'notDirectory' ? msg('not a folder') : msg('not readable'))];
  }
  if (!r.exists) {
    return [msg('{0} does not exist: processes in this namespace see the host\'s /etc/resolv.conf and /etc/hosts.', r.dir)];
  }
  if (r.files.length === 0) {
    return [msg('{0} is empty.', r.dir)];
  }
  const out: string[] = [];
  for (const f of r.files) {
    if (f.text !== undefined) {
      out.push(`-- ${f.name} --`, ...f.text.replace(/\n$/, '').split('\n'), '');
    } else {
      out.push(`-- ${f.name} --`, `; ${skippedText(f.skipped ?? 'notReadable')}`, '');
    }
  }
  return out;
}

// ---- the document -------------------------------------------------------------------------------

export interface Section {
  part: InspectPart;
  /** The part's lines, or what went wrong reading it. */
  lines?: string[];
  error?: string;
}

/** The whole document: a title, then each section under its heading. */
export function renderDocument(netns: string | null, sections: Section[], readAt: Date): string {
  const name = netns === null ? msg('host (root namespace)') : netns;
  const time = readAt.toTimeString().slice(0, 8);
  const out = [`== ${msg('Namespace {0}', name)} ==`, `; ${msg('read at {0}; refreshed while open', time)}`, ''];
  for (const s of sections) {
    out.push(`== ${partTitle(s.part, netns)} ==`, '');
    out.push(...(s.error !== undefined ? [msg('Could not be read: {0}', s.error)] : (s.lines ?? [])));
    out.push('');
  }
  return out.join('\n');
}

// What an inspection of a namespace reads, part by part: the results of the helper's read
// operations (readNeighbours, readRules, readSockets, readFirewall, readSysctls, readNetnsFiles).
// Pure data, shared by the helper, the client and the extension.

/** The parts of an inspection document, in the order the whole document shows them. */
export const INSPECT_PARTS = ['interfaces', 'routes', 'neighbours', 'sockets', 'firewall', 'sysctls', 'files'] as const;
export type InspectPart = (typeof INSPECT_PARTS)[number];

export function isInspectPart(v: unknown): v is InspectPart {
  return typeof v === 'string' && (INSPECT_PARTS as readonly string[]).includes(v);
}

/** One entry of the neighbour table (ARP for IPv4, NDP for IPv6), as `ip -j neigh` gives it. */
export interface Neighbour {
  family: 4 | 6;
  address: string;
  device?: string;
  /** The link-layer address, when resolved. */
  mac?: string;
  /** "REACHABLE", "STALE", "FAILED", "PERMANENT", "NOARP", ... */
  state: string[];
  /** An IPv6 neighbour that is a router. */
  router?: boolean;
}

/** One policy routing rule (`ip rule`): its priority and the rest of the line as ip prints it. */
export interface RoutingRule {
  family: 4 | 6;
  priority: number;
  /** "from all lookup main", "from 10.1.0.0/24 iif veth0 lookup 100", "from all unreachable". */
  text: string;
}

/** A route of any table (`ip route show table all`). */
export interface TableRoute {
  family: 4 | 6;
  /** "main", "local", "default" or the table's number. */
  table: string;
  /** "unicast" is left out, as ip does. */
  type?: string;
  destination: string;
  gateway?: string;
  device?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags?: string[];
}

export interface RulesResult {
  rules: RoutingRule[];
  routes: TableRoute[];
  /** More routes than the bound: the rest were left out. */
  truncated: boolean;
}

export interface NeighboursResult {
  neighbours: Neighbour[];
  truncated: boolean;
}

/** A process that has a socket open. */
export interface SocketOwner {
  pid: number;
  /** The command name (/proc/PID/comm). */
  command: string;
  user: string;
  /** The descriptor number: only of the caller's own processes (or for root). */
  fd?: number;
}

/** One TCP or UDP socket of a namespace, as the kernel's sock_diag lists it. */
export interface SocketEntry {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** The TCP state as ss names it ("LISTEN", "ESTAB", "TIME-WAIT", ...); "UNCONN" for an unconnected UDP socket. */
  state: string;
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  /** The interface it is bound to (SO_BINDTODEVICE), by index; 0 for none. */
  boundIfindex: number;
  uid: number;
  inode: number;
  recvQ: number;
  sendQ: number;
  /** The processes holding it, of those in the namespace; empty when none was found. */
  owners: SocketOwner[];
}

export interface SocketsResult {
  sockets: SocketEntry[];
  /** More sockets than the bound: the rest were left out. */
  truncated: boolean;
  /** Processes in the namespace whose descriptors were looked at, and whether the bounds stopped the search. */
  processes: number;
  processesTruncated: boolean;
}

/** The firewall of a namespace: nftables' ruleset, or the legacy iptables tables where only those are in use. */
export interface FirewallResult {
  /** What the text comes from: null when no tool is installed. */
  tool: 'nft' | 'iptables-legacy' | null;
  text: string;
  truncated: boolean;
  /** Which of the tools this machine has. */
  installed: { nft: boolean; iptablesLegacy: boolean };
}

export interface SysctlValue {
  /** "net.ipv4.ip_forward", "net.ipv4.conf.veth0.rp_filter". */
  key: string;
  value: string;
}

export interface SysctlsResult {
  values: SysctlValue[];
}

/** Why a file in /etc/netns/NAME was not read. */
export type SkippedFile = 'symlink' | 'notRegular' | 'tooLarge' | 'notReadable' | 'binary' | 'tooMany';

export interface NetnsFile {
  name: string;
  size: number;
  text?: string;
  skipped?: SkippedFile;
}

export interface NetnsFilesResult {
  /** /etc/netns/NAME */
  dir: string;
  /** The folder is there (ip netns exec binds its files over /etc inside the namespace). */
  exists: boolean;
  /** Why the folder was not read: it (or /etc/netns) is a symlink, not a folder, or not readable. */
  refused?: 'symlink' | 'notDirectory' | 'notReadable';
  files: NetnsFile[];
}

/** The bounds of the inspection reads (docs/policy.md). */
export const INSPECT_LIMITS = {
  /** Sockets listed per namespace. */
  sockets: 4096,
  /** Processes of the namespace whose descriptors are looked at for socket owners. */
  processes: 4096,
  /** Descriptors looked at per process. */
  fdsPerProcess: 1024,
  /** How long the search for socket owners may take. */
  ownerSearchMs: 2000,
  /** Neighbours and routes listed. */
  neighbours: 4096,
  routes: 8192,
  /** Bytes of a tool's output kept (nft, iptables-save, ip). */
  outputBytes: 1024 * 1024,
  /** How long one program may run. */
  programMs: 5000,
  /** Files of /etc/netns/NAME read, and bytes of each. */
  files: 16,
  fileBytes: 64 * 1024,
  /** Interfaces whose per-interface settings are read. */
  sysctlInterfaces: 64,
} as const;

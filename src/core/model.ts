// The namespace model shared by the helper, the client and the extension. Pure data: no I/O here.

/** Where a namespace can be found: a name under /run/netns, or the host's own (root) namespace. */
export type NetnsRef = string | null; // null = the root (host) namespace

export interface Address {
  family: 4 | 6;
  address: string;
  prefixLen: number;
  scope?: string; // "global", "link", "host"
}

export interface VethPeer {
  ifindex: number;
  /** Name of the peer interface when it could be found. */
  name?: string;
  /**
   * The namespace the peer lives in: a name, null for the root namespace, or undefined when the
   * peer is in a namespace without a name (a container's) or could not be resolved.
   */
  netns?: NetnsRef;
  /** Inode of the peer's namespace when known (also for unnamed namespaces). */
  netnsInode?: number;
  /** The nsid under which this interface's namespace knows the peer's namespace, if any. */
  linkNetnsid?: number;
}

export interface Interface {
  ifindex: number;
  name: string;
  /** "loopback", "veth", "bridge", "vlan", "dummy", "ether" (a device without a kind), ... */
  kind: string;
  operState: string; // "UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN", ...
  flags: string[]; // "UP", "LOWER_UP", "BROADCAST", ...
  mtu: number;
  mac?: string;
  /** Name of the master device (bridge, bond) in the same namespace. */
  master?: string;
  /** For vlan/macvlan and the like: the parent's ifindex (IFLA_LINK) when in the same namespace. */
  linkIfindex?: number;
  /** For a vlan: its VLAN id (IFLA_VLAN_ID, 1 to 4094). */
  vlanId?: number;
  addresses: Address[];
  peer?: VethPeer;
  /** The link impairment of its root qdisc, when that is netem (only the parameters set). */
  netem?: Netem;
}

/** A netem setting: delay and jitter in ms, probabilities in percent, rate in kbit/s (1000 bit). */
export interface Netem {
  delayMs?: number;
  jitterMs?: number;
  lossPct?: number;
  duplicatePct?: number;
  corruptPct?: number;
  reorderPct?: number;
  rateKbit?: number;
}

/**
 * One route of a namespace's main table, as `ip route show` / `ip -6 route show` print it (other
 * tables and cached entries are not read).
 */
export interface Route {
  family: 4 | 6;
  /** "default", or the prefix as ip prints it: "10.1.0.0/24", "fe80::/64", "10.9.9.9" for a /32. */
  destination: string;
  gateway?: string;
  /** Name of the outgoing interface. */
  device?: string;
  metric?: number;
  /**
   * "kernel", "static", "dhcp", ... (a number when it has no name). Absent: "boot" (what
   * `ip route add` makes). The three fields below are left out when they have the usual value,
   * as `ip -j route` leaves them out.
   */
  protocol?: string;
  /** "link", "host"; absent: "global". */
  scope?: string;
  /** "blackhole", "unreachable", "prohibit", ...; absent: "unicast". */
  type?: string;
  /** Always "main" when set: only the main table is read. */
  table?: string;
  /** The preferred source address (ip's "src"). */
  prefsrc?: string;
  /** "linkdown", "onlink", ... as ip prints them. */
  flags?: string[];
}

/** What a name in /run/netns is when it is not a namespace mount. */
export type NotNamespace = 'file' | 'directory' | 'other';

export interface Namespace {
  /** Name in /run/netns; null for the root (host) namespace. */
  name: NetnsRef;
  /** "/run/netns/NAME", or "/proc/1/ns/net" for the root namespace. */
  path: string;
  inode: number;
  /** As the kernel prints it: "net:[4026532109]". */
  id: string;
  /** nsid of this namespace as seen from the root namespace, where one is set. */
  nsid?: number;
  isRoot: boolean;
  interfaces: Interface[];
  /** The main routing table, IPv4 then IPv6; absent when it was not read. */
  routes?: Route[];
  /** Set when the namespace could not be read (e.g. deleted mid-scan). */
  error?: string;
  /**
   * Set when /run/netns/NAME is not a namespace at all but a plain file (a folder, other): what it
   * is. Nothing is read in it, and the helper refuses it as a target.
   */
  notNamespace?: NotNamespace;
  /**
   * Only its name and inode are known, its interfaces are not: read without root (before the
   * privileged helper is up), or for a first paint (a snapshot of ids only).
   */
  unprivileged?: boolean;
  /** IPv4 (net.ipv4.ip_forward) and IPv6 (net.ipv6.conf.all.forwarding) forwarding, where read. */
  forwarding?: { ipv4: boolean; ipv6: boolean };
}

export interface Snapshot {
  namespaces: Namespace[];
  /** Which reader produced it. */
  reader: 'netlink' | 'ip';
  /** Milliseconds since the epoch. */
  takenAt: number;
}

export interface ProcessInfo {
  pid: number;
  command: string;
  user: string;
  uid: number;
}

/**
 * What keeps a namespace alive besides the processes inside it. Paths are as the mount namespace
 * they are in shows them; other users' descriptor numbers are left out (docs/policy.md).
 */
export type NamespaceHolder =
  /**
   * A bind mount of the namespace file: Docker's /var/run/docker/netns/ID, `unshare --net=FILE`.
   * `pid` is set when the mount is in another mount namespace than the helper's: a process that
   * sees it there (`nsenter -t PID -m`).
   */
  | { kind: 'mount'; path: string; pid?: number }
  /** A process with the namespace open (a descriptor), while not inside it itself. */
  | { kind: 'fd'; pid: number; command: string; user: string; fds?: number[] }
  /** A thread inside the namespace whose process is not. */
  | { kind: 'thread'; pid: number; tid: number; command: string; user: string };

export type ContainerRuntime = 'docker' | 'podman' | 'containerd' | 'cri-o';

/** The container a namespace belongs to, from the cgroup of a process inside it. */
export interface ContainerInfo {
  runtime: ContainerRuntime;
  /** The container's id (hex, as the runtime shows it in full). */
  id: string;
  /** The container's name, from the runtime's state or command line where it could be read. */
  name?: string;
  /** For a Kubernetes pod: "namespace/name" where known, else the pod's uid. */
  pod?: string;
}

/**
 * One network namespace as found through /proc (a process inside it, a bind mount, a descriptor
 * or a thread), named or not.
 */
export interface ProcessNamespace {
  inode: number;
  /** The nsfs device (st_dev): with the inode, what identifies the namespace. */
  dev?: number;
  id: string;
  /** Name under /run/netns if the namespace has one; null for the root namespace. */
  name?: NetnsRef;
  processes: ProcessInfo[];
  /** What else holds it: bind mounts elsewhere, descriptors, threads. Absent when nothing does. */
  holders?: NamespaceHolder[];
  container?: ContainerInfo;
}

export function netnsId(inode: number): string {
  return `net:[${inode}]`;
}

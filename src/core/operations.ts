// The operation table: everything known about each helper operation, in one entry. The helper
// validates, routes, checks its policy and runs ip from it; the client routes reads and writes from
// it; the extension logs each write's ip equivalent from it. A new operation is one entry here,
// one handler in src/helper/ops/ and its tests (docs/adding-an-operation.md).

import type { Command, IpContext, Program } from './ipCommand';
import {
  addAddressArgv,
  addLinkArgv,
  addNetnsArgv,
  addVethArgv,
  attachNetnsArgv,
  delAddressArgv,
  delLinkArgv,
  delNetnsArgv,
  moveLinkArgv,
  routeArgv,
  setLinkStateArgv,
  sysctlIn,
  setMasterArgv,
} from './ipCommand';
import type { NetnsRef, Netem, ProcessNamespace, Snapshot } from './model';
import { clearNetemArgv, netemProblem, setNetemArgv, sysctlForwardingArgs } from './netem';
import type { NetnsFile } from './labs/lab';
import { fields, type Schema } from './schema';
import type { FirewallResult, NeighboursResult, NetnsFilesResult, RulesResult, SocketsResult, SysctlsResult } from './inspect/types';
import { routeProblem } from './validate';

/** The machine's neighbour table of a family, when it ran out of room. */
export interface NeighbourTableFull {
  family: 4 | 6;
  entries: number;
  /** gc_thresh3: the most entries it may hold. */
  max: number;
}

export interface PingResult {
  transmitted: number;
  received: number;
  /** The round-trip time of each reply, in milliseconds. */
  rttMs: number[];
  /** Where the address is: the namespace (null: the host's) and interface that have it. */
  target: { netns: NetnsRef; name: string };
  /**
   * Set when the machine's neighbour table of the address's family ran out of room during the
   * ping (it is shared by every namespace): a lost echo may be an unresolved neighbour.
   */
  neighbourTableFull?: NeighbourTableFull;
}

/** Parameters and result of every operation (the wire types). */
export interface RequestMap {
  hello: { params: Record<string, never>; result: HelloResult };
  listNames: { params: Record<string, never>; result: { names: string[] } };
  /**
   * Every namespace /run/netns has, or those of `names` it still has (a name deleted since it was
   * asked for is left out; one that is not a namespace comes back with `notNamespace` or `error`).
   * `idsOnly`: the named namespaces come with their name and inode only (`unprivileged` set), not
   * read inside: a first paint, in a few milliseconds where the whole read takes hundreds. One the
   * helper holds unchanged since an earlier read comes whole (that costs nothing).
   */
  snapshot: {
    params: { names?: string[]; includeRoot?: boolean; idsOnly?: boolean; reader?: 'auto' | 'netlink' | 'ip' };
    result: Snapshot;
  };
  processes: { params: Record<string, never>; result: { namespaces: ProcessNamespace[] } };
  addNetns: { params: { name: string }; result: { name: string; inode: number } };
  /** `file`: the name is a plain file in /run/netns, not a namespace, and the file is what goes. */
  delNetns: { params: { name: string; file?: boolean }; result: Record<string, never> };
  addVeth: {
    params: { name?: string; peer?: string; netns?: NetnsRef; peerNetns?: NetnsRef };
    result: { name: string; peer: string; netns: NetnsRef; peerNetns: NetnsRef };
  };
  moveLink: {
    params: { name: string; from: NetnsRef; to?: NetnsRef; toPid?: number };
    result: { name: string; toInode: number };
  };
  attachNetns: { params: { name: string; pid: number }; result: { name: string; inode: number } };
  setLinkState: { params: { netns: NetnsRef; name: string; up: boolean }; result: Record<string, never> };
  addAddress: { params: { netns: NetnsRef; name: string; address: string }; result: Record<string, never> };
  delAddress: { params: { netns: NetnsRef; name: string; address: string }; result: Record<string, never> };
  delLink: { params: { netns: NetnsRef; name: string }; result: Record<string, never> };
  /** A route of the main table; `family` may be left out when the destination or gateway tells it. */
  addRoute: { params: RouteParams; result: Record<string, never> };
  /** Deletes the first route that matches what is given (the kernel's rule, as `ip route del`). */
  delRoute: { params: RouteParams; result: Record<string, never> };
  /** IPv4 or IPv6 forwarding of a namespace on or off (sysctl inside it). */
  setForwarding: { params: { netns: NetnsRef; family: 4 | 6; on: boolean }; result: Record<string, never> };
  /** A netem root qdisc on an interface, made or replaced with exactly these impairments. */
  setNetem: { params: { netns: NetnsRef; name: string } & Netem; result: Record<string, never> };
  /** Removes the netem root qdisc of an interface (the kernel's default qdisc comes back). */
  clearNetem: { params: { netns: NetnsRef; name: string }; result: Record<string, never> };
  /** A bridge, a dummy interface, or a VLAN sub-interface of `parent` (same namespace) with id `vlanId`. */
  addLink: {
    params: { netns: NetnsRef; name: string; kind: LinkKind; parent?: string; vlanId?: number };
    result: Record<string, never>;
  };
  /** Makes `name` a port of the bridge `master` in the same namespace; `master: null` releases it. */
  setMaster: { params: { netns: NetnsRef; name: string; master: string | null }; result: { previousMaster: string | null } };
  batch: { params: { requests: BatchItem[] }; result: { done: number } };
  /**
   * Writes /etc/netns/NAME/FILE (what `ip netns exec` binds over /etc/FILE inside the namespace), or
   * removes it (`content: null`); answers what was there before.
   */
  setNetnsFile: { params: { netns: string; file: NetnsFile; content: string | null }; result: { previous: string | null } };
  /** Echo requests from inside a namespace to an address one of this host's namespaces has. */
  /**
   * `source`: an address of the namespace to send from (ping -I), instead of the one its route picks.
   * `addressIn`: the namespace the caller's model has the address in: only that one and `netns` are
   * read to check it (every namespace when it is not there), so a ping costs the same at 10 or 10,000.
   */
  ping: { params: { netns: NetnsRef; address: string; count?: number; source?: string; addressIn?: NetnsRef }; result: PingResult };
  /**
   * Starts tcpdump on an interface; its packets come as `capture` events (pcap bytes), and a
   * `captureEnd` event says when and why it ended (protocol.ts).
   */
  startCapture: { params: StartCaptureParams; result: { capture: string } };
  /** Stops a capture; answered after its last data and its `captureEnd` event were sent. */
  stopCapture: { params: { capture: string }; result: { bytes: number; packets: number } };
  // Inspection of a namespace (read-only, each part bounded: docs/policy.md).
  /** The neighbour tables (ARP, NDP): `ip -j neigh show` of each family. */
  readNeighbours: { params: { netns: NetnsRef }; result: NeighboursResult };
  /** Policy routing rules and the routes of every table: `ip -j rule show`, `ip -j route show table all`. */
  readRules: { params: { netns: NetnsRef }; result: RulesResult };
  /** TCP and UDP sockets with their processes, over NETLINK_SOCK_DIAG. */
  readSockets: { params: { netns: NetnsRef }; result: SocketsResult };
  /** `nft list ruleset`, or the legacy iptables tables where only those are in use. */
  readFirewall: { params: { netns: NetnsRef }; result: FirewallResult };
  /** Forwarding, rp_filter and a few more settings of /proc/sys/net inside the namespace. */
  readSysctls: { params: { netns: NetnsRef }; result: SysctlsResult };
  /** The files of /etc/netns/NAME (what ip netns exec binds over /etc inside the namespace). */
  readNetnsFiles: { params: { netns: string }; result: NetnsFilesResult };
  installHelper: {
    params: Record<string, never>;
    result: {
      launcher: string;
      dir: string;
      runtime: string;
      runtimeCopied: boolean;
      policy?: string;
      sudoersLine: string;
      polkitRule: string;
    };
  };
  uninstallHelper: { params: Record<string, never>; result: { removed: string[] } };
  watch: { params: Record<string, never>; result: { watching: boolean; kernelEvents: boolean } };
  unwatch: { params: Record<string, never>; result: { watching: false } };
}

export interface StartCaptureParams {
  netns: NetnsRef;
  /** The interface to capture on. */
  name: string;
  /** The capture ends before the file (pcap header and records) would grow beyond this. */
  maxBytes?: number;
  maxSeconds?: number;
  /** A tcpdump filter expression (pcap-filter(7)). */
  filter?: string;
}

export interface RouteParams {
  netns: NetnsRef;
  /** "default", a network with its prefix length, or one address (a host route). */
  destination: string;
  family?: 4 | 6;
  gateway?: string;
  /** The outgoing interface's name. */
  device?: string;
  metric?: number;
}
/** What addLink makes. */
export type LinkKind = 'bridge' | 'dummy' | 'vlan';
export type Op = keyof RequestMap;
export type Params<O extends Op> = RequestMap[O]['params'];
export type Result<O extends Op> = RequestMap[O]['result'];
export type Request<O extends Op = Op> = { [K in O]: { op: K } & Params<K> }[O];
export type WireRequest = Request & { id: number };

export interface HelloResult {
  name: 'vscode-netns-helper';
  version: string;
  protocol: number;
  pid: number;
  uid: number;
  /** The uid of the user who started the helper through sudo or pkexec, where known. */
  callerUid?: number;
  /** Which reader snapshots use by default, and why the fast one is missing if it is. */
  reader: 'netlink' | 'ip';
  readerError?: string;
  ip: string;
  rootInode: number;
  /** Whether the policy binds this helper (not started by root itself), and whether it runs from the install. */
  policy: { bound: boolean; installed: boolean };
}

/**
 * What a request acts on, for the checks made before its handler runs (the namespace must exist;
 * the policy's rules are written in these terms).
 */
export type Target =
  /** A namespace the request changes or puts an interface into (null: the host's). */
  | { kind: 'netns'; netns: NetnsRef }
  /** A name in /run/netns that the request removes: a namespace, or a plain file that is not one. */
  | { kind: 'netnsName'; name: string; entry: 'namespace' | 'file' }
  /** A name the request makes in /run/netns: nothing may be there yet. */
  | { kind: 'newNetnsName'; name: string }
  /** A process whose namespace the request names or puts an interface into. */
  | { kind: 'pid'; pid: number }
  /**
   * An existing interface and what the request does to it: `master`, it becomes a bridge's port or
   * is released from one; `port`, it (a bridge) gets a port; `vlan`, a VLAN sub-interface is made
   * on it; `qdisc`, its impairment is set or cleared.
   */
  | { kind: 'link'; netns: NetnsRef; name: string; change: LinkChange };

export type LinkChange = 'move' | 'delete' | 'up' | 'down' | 'address' | 'master' | 'port' | 'vlan' | 'qdisc';

export interface OperationSpec<O extends Op> {
  /** read: changes nothing, runs concurrently and may be sent again to a new helper. */
  access: 'read' | 'write';
  fields: Schema;
  /** A check across fields, returning what is wrong. */
  check?(p: Params<O>): string | undefined;
  /** never; always; or only when snapshots are read with ip (the fallback reader). */
  needsIp: 'never' | 'always' | 'ipReader';
  /** The program ipArgv is the argv of: ip unless said otherwise (it may depend on the request). */
  program?: Program | ((p: Params<O>) => Program);
  /**
   * The command the operation runs (or, for display, what a user would type): the arguments of
   * `program` (ip by default). commandOf() gives both.
   */
  ipArgv?(p: Params<O>, ctx: IpContext, result?: Result<O>): string[];
  /** What the request acts on; every target is checked before the handler runs. */
  targets?(p: Params<O>): Target[];
  /** Only from a start that took an administrator's password (or root): never the installed launcher. */
  needsPasswordStart?: boolean;
  /**
   * May be an item of `batch`; `undo` is the request that reverses it on rollback (from its result
   * when the item ran on its own, which batch items the kernel does in one `ip -batch` do not).
   */
  batch?: {
    undo(p: Params<O>, result?: Result<O>): Request | undefined;
    /** Its ipArgv is all it does, so it may go with the others into one `ip -batch` process. */
    ipBatch?: boolean;
  };
}

/** A veth's names as the kernel will have them: the result's, else the request's, else a placeholder. */
function vethNames(p: Params<'addVeth'>, r?: Result<'addVeth'>) {
  return {
    name: r?.name ?? p.name ?? '<automatic>',
    peer: r?.peer ?? p.peer ?? '<automatic>',
    netns: p.netns ?? null,
    peerNetns: p.peerNetns ?? null,
  };
}

const f = fields;

/** `sysctl -w net.ipv4.ip_forward=1` inside the namespace (ip netns exec NS ..., or sysctl in the host's). */
function forwardingCommand(p: Params<'setForwarding'>, ctx: IpContext): Command {
  return sysctlIn(p.netns, sysctlForwardingArgs(p.family, p.on), ctx);
}

/** Adding and removing an address: the same request, another ip command. */
function addressOperation<O extends 'addAddress' | 'delAddress'>(ipArgv: (p: Params<O>) => string[], inverse: 'addAddress' | 'delAddress'): OperationSpec<O> {
  return {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), name: f.req(f.ifName), address: f.req(f.cidr) },
    needsIp: 'always',
    ipArgv: (p) => ipArgv(p),
    targets: (p) => [{ kind: 'link', netns: p.netns, name: p.name, change: 'address' }],
    batch: { undo: (p) => ({ op: inverse, netns: p.netns, name: p.name, address: p.address }), ipBatch: true },
  };
}

/** Adding and deleting a route: the same fields, another ip verb. */
function routeOperation<O extends 'addRoute' | 'delRoute'>(verb: 'add' | 'del'): OperationSpec<O> {
  return {
    access: 'write',
    fields: {
      netns: f.req(f.netnsRef),
      destination: f.req(f.routeDestination),
      family: f.opt(f.family),
      gateway: f.opt(f.address),
      device: f.opt(f.ifName),
      metric: f.opt(f.metric),
    },
    check: (p) => routeProblem(p, verb === 'add'),
    needsIp: 'always',
    ipArgv: (p) => routeArgv(p, verb),
    // A route through the host's physical interface is a change to it, like an address.
    targets: (p) => [
      { kind: 'netns', netns: p.netns },
      ...(p.device !== undefined ? [{ kind: 'link', netns: p.netns, name: p.device, change: 'address' } as const] : []),
    ],
    // Each undoes the other: a route added is deleted again, a route deleted is added back.
    batch: { undo: (p) => ({ op: verb === 'add' ? 'delRoute' : 'addRoute', ...(p as RouteParams) }), ipBatch: true },
  };
}

/** A part of a namespace inspection: read-only, one namespace (the host's too), which must exist. */
function inspectOperation<O extends 'readNeighbours' | 'readRules' | 'readSockets' | 'readFirewall' | 'readSysctls'>(needsIp: 'always' | 'never'): OperationSpec<O> {
  return {
    access: 'read',
    fields: { netns: f.req(f.netnsRef) },
    needsIp,
    targets: (p) => [{ kind: 'netns', netns: p.netns }],
  };
}

export const OPERATIONS: { [O in Op]: OperationSpec<O> } = {
  hello: { access: 'read', fields: {}, needsIp: 'never' },
  listNames: { access: 'read', fields: {}, needsIp: 'never' },
  snapshot: {
    access: 'read',
    fields: { names: f.opt(f.nameList), includeRoot: f.opt(f.bool), idsOnly: f.opt(f.bool), reader: f.opt(f.readerKind) },
    needsIp: 'ipReader',
  },
  processes: { access: 'read', fields: {}, needsIp: 'never' },
  watch: { access: 'read', fields: {}, needsIp: 'never' },
  unwatch: { access: 'read', fields: {}, needsIp: 'never' },
  addNetns: {
    access: 'write',
    fields: { name: f.req(f.netnsName) },
    needsIp: 'always',
    ipArgv: (p) => addNetnsArgv(p),
    targets: (p) => [{ kind: 'newNetnsName', name: p.name }],
    batch: { undo: (p) => ({ op: 'delNetns', name: p.name }), ipBatch: true },
  },
  delNetns: {
    access: 'write',
    fields: { name: f.req(f.netnsName), file: f.opt(f.bool) },
    needsIp: 'always',
    // ip netns delete unmounts (nothing, for a file) and unlinks: it removes a plain file too.
    ipArgv: (p) => delNetnsArgv(p),
    targets: (p) => [{ kind: 'netnsName', name: p.name, entry: p.file ? 'file' : 'namespace' }],
    batch: { undo: () => undefined, ipBatch: true },
  },
  attachNetns: {
    access: 'write',
    fields: { name: f.req(f.netnsName), pid: f.req(f.pid) },
    needsIp: 'always',
    ipArgv: (p) => attachNetnsArgv(p),
    targets: (p) => [
      { kind: 'newNetnsName', name: p.name },
      { kind: 'pid', pid: p.pid },
    ],
  },
  addVeth: {
    access: 'write',
    fields: { name: f.opt(f.ifName), peer: f.opt(f.ifName), netns: f.opt(f.netnsRef), peerNetns: f.opt(f.netnsRef) },
    needsIp: 'always',
    ipArgv: (p, ctx, r) => addVethArgv(vethNames(p, r), ctx),
    targets: (p) => [
      { kind: 'netns', netns: p.netns ?? null },
      { kind: 'netns', netns: p.peerNetns ?? null },
    ],
    // Deleting one end removes the pair.
    batch: { undo: (p, r) => ({ op: 'delLink', netns: p.netns ?? null, name: r?.name ?? p.name! }), ipBatch: true },
  },
  moveLink: {
    access: 'write',
    fields: { name: f.req(f.ifName), from: f.req(f.netnsRef), to: f.opt(f.netnsRef), toPid: f.opt(f.pid) },
    check: (p) =>
      ('to' in p) === ('toPid' in p) ? 'Operation "moveLink" needs exactly one of "to" (a namespace) or "toPid" (a process).' : undefined,
    needsIp: 'always',
    ipArgv: (p, ctx) => moveLinkArgv(p, ctx),
    targets: (p) => [
      { kind: 'link', netns: p.from, name: p.name, change: 'move' },
      p.toPid !== undefined ? { kind: 'pid', pid: p.toPid } : { kind: 'netns', netns: p.to ?? null },
    ],
    // Back where it came from. Through its handler, which moves into a process's namespace by the
    // descriptor admit holds, never by PID.
    batch: { undo: (p) => (p.toPid === undefined ? { op: 'moveLink', name: p.name, from: p.to ?? null, to: p.from } : undefined) },
  },
  setLinkState: {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), name: f.req(f.ifName), up: f.req(f.bool) },
    needsIp: 'always',
    ipArgv: (p) => setLinkStateArgv(p),
    targets: (p) => [{ kind: 'link', netns: p.netns, name: p.name, change: p.up ? 'up' : 'down' }],
    batch: { undo: (p) => ({ op: 'setLinkState', netns: p.netns, name: p.name, up: !p.up }), ipBatch: true },
  },
  addAddress: addressOperation(addAddressArgv, 'delAddress'),
  delAddress: addressOperation(delAddressArgv, 'addAddress'),
  delLink: {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), name: f.req(f.ifName) },
    needsIp: 'always',
    ipArgv: (p) => delLinkArgv(p),
    targets: (p) => [{ kind: 'link', netns: p.netns, name: p.name, change: 'delete' }],
  },
  addRoute: routeOperation('add'),
  delRoute: routeOperation('del'),
  setForwarding: {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), family: f.req(f.family), on: f.req(f.bool) },
    // sysctl in the host's namespace; ip netns exec NS sysctl in another (checked when run).
    needsIp: 'never',
    program: (p) => (p.netns === null ? 'sysctl' : 'ip'),
    ipArgv: (p, ctx) => forwardingCommand(p, ctx).argv,
    targets: (p) => [{ kind: 'netns', netns: p.netns }],
    // Assumes the item changed it (a lab turns forwarding on in a namespace it just made).
    batch: { undo: (p) => ({ op: 'setForwarding', netns: p.netns, family: p.family, on: !p.on }) },
  },
  setNetem: {
    access: 'write',
    fields: {
      netns: f.req(f.netnsRef),
      name: f.req(f.ifName),
      delayMs: f.opt(f.netemValue),
      jitterMs: f.opt(f.netemValue),
      lossPct: f.opt(f.netemValue),
      duplicatePct: f.opt(f.netemValue),
      corruptPct: f.opt(f.netemValue),
      reorderPct: f.opt(f.netemValue),
      rateKbit: f.opt(f.netemValue),
    },
    check: (p) => netemProblem(p),
    needsIp: 'never',
    program: 'tc',
    ipArgv: (p) => setNetemArgv(p),
    targets: (p) => [{ kind: 'link', netns: p.netns, name: p.name, change: 'qdisc' }],
    batch: { undo: (p) => ({ op: 'clearNetem', netns: p.netns, name: p.name }) },
  },
  clearNetem: {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), name: f.req(f.ifName) },
    needsIp: 'never',
    program: 'tc',
    ipArgv: (p) => clearNetemArgv(p),
    targets: (p) => [{ kind: 'link', netns: p.netns, name: p.name, change: 'qdisc' }],
    batch: { undo: () => undefined },
  },
  addLink: {
    access: 'write',
    fields: {
      netns: f.req(f.netnsRef),
      name: f.req(f.ifName),
      kind: f.req(f.linkKind),
      parent: f.opt(f.ifName),
      vlanId: f.opt(f.vlanId),
    },
    check: (p) =>
      p.kind === 'vlan'
        ? p.parent === undefined || p.vlanId === undefined
          ? 'Operation "addLink" of kind "vlan" needs "parent" (an interface in the same namespace) and "vlanId".'
          : undefined
        : p.parent !== undefined || p.vlanId !== undefined
          ? `Operation "addLink" of kind "${p.kind}" takes no "parent" or "vlanId" (only a vlan does).`
          : undefined,
    needsIp: 'always',
    ipArgv: (p) => addLinkArgv(p),
    targets: (p) => [
      { kind: 'netns', netns: p.netns },
      ...(p.kind === 'vlan' && p.parent !== undefined ? [{ kind: 'link' as const, netns: p.netns, name: p.parent, change: 'vlan' as const }] : []),
    ],
    // Through its handler, which refuses in words what the kernel would refuse with an errno.
    batch: { undo: (p) => ({ op: 'delLink', netns: p.netns, name: p.name }) },
  },
  setMaster: {
    access: 'write',
    fields: { netns: f.req(f.netnsRef), name: f.req(f.ifName), master: f.req(f.ifNameOrNull) },
    needsIp: 'always',
    ipArgv: (p) => setMasterArgv(p),
    targets: (p) => [
      { kind: 'link', netns: p.netns, name: p.name, change: 'master' },
      ...(p.master !== null ? [{ kind: 'link' as const, netns: p.netns, name: p.master, change: 'port' as const }] : []),
    ],
    // Back to the master it had before (its handler answers which); without that, released.
    batch: {
      undo: (p, r) =>
        r ? { op: 'setMaster', netns: p.netns, name: p.name, master: r.previousMaster } : p.master !== null ? { op: 'setMaster', netns: p.netns, name: p.name, master: null } : undefined,
    },
  },
  batch: {
    access: 'write',
    // Each item is checked as a request of its own (see parseRequest).
    fields: { requests: f.req(f.batchList) },
    needsIp: 'always',
  },
  setNetnsFile: {
    access: 'write',
    fields: { netns: f.req(f.netnsName), file: f.req(f.netnsFile), content: f.req(f.netnsFileContent) },
    needsIp: 'never',
    // A file is written for a namespace that exists; one is removed also after its namespace went
    // (a reboot empties /run/netns, not /etc/netns).
    targets: (p) => (p.content === null ? [] : [{ kind: 'netns', netns: p.netns }]),
    // What was there before comes back (its handler answers it).
    batch: { undo: (p, r) => (r ? { op: 'setNetnsFile', netns: p.netns, file: p.file, content: r.previous } : undefined) },
  },
  ping: {
    access: 'read',
    fields: { netns: f.req(f.netnsRef), address: f.req(f.address), count: f.opt(f.pingCount), source: f.opt(f.address), addressIn: f.opt(f.netnsRef) },
    needsIp: 'never',
    targets: (p) => [{ kind: 'netns', netns: p.netns }],
  },
  startCapture: {
    access: 'read',
    fields: {
      netns: f.req(f.netnsRef),
      name: f.req(f.captureIfName),
      maxBytes: f.opt(f.captureBytes),
      maxSeconds: f.opt(f.captureSeconds),
      filter: f.opt(f.captureFilter),
    },
    needsIp: 'never',
    // The interface is looked up and checked against the policy by the handler (it reads the namespace).
    targets: (p) => [{ kind: 'netns', netns: p.netns }],
  },
  stopCapture: { access: 'read', fields: { capture: f.req(f.captureId) }, needsIp: 'never' },
  readNeighbours: inspectOperation('always'),
  readRules: inspectOperation('always'),
  readSockets: inspectOperation('never'),
  readFirewall: inspectOperation('never'),
  readSysctls: inspectOperation('never'),
  readNetnsFiles: {
    access: 'read',
    fields: { netns: f.req(f.netnsName) },
    needsIp: 'never',
    targets: (p) => [{ kind: 'netns', netns: p.netns }],
  },
  installHelper: { access: 'write', fields: {}, needsIp: 'never', needsPasswordStart: true },
  uninstallHelper: { access: 'write', fields: {}, needsIp: 'never', needsPasswordStart: true },
};

export const OPS = Object.keys(OPERATIONS) as Op[];

export function isOp(op: unknown): op is Op {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(OPERATIONS, op);
}

export function spec<O extends Op>(op: O): OperationSpec<O> {
  return OPERATIONS[op] as OperationSpec<O>;
}

export const isReadOnly = (op: Op): boolean => OPERATIONS[op].access === 'read';

/** The operations a batch may hold: those with `batch` in the table. */
export const BATCH_OPS: readonly Op[] = OPS.filter((op) => OPERATIONS[op].batch !== undefined);
export type BatchOp =
  | 'addNetns'
  | 'delNetns'
  | 'addVeth'
  | 'moveLink'
  | 'setLinkState'
  | 'addAddress'
  | 'delAddress'
  | 'addRoute'
  | 'delRoute'
  | 'setForwarding'
  | 'setNetem'
  | 'clearNetem'
  | 'addLink'
  | 'setMaster'
  | 'setNetnsFile';
export type BatchItem =
  | { [O in Exclude<BatchOp, 'addVeth'>]: { op: O } & Params<O> }[Exclude<BatchOp, 'addVeth'>]
  // Named in a batch, so that a later item can refer to it.
  | ({ op: 'addVeth' } & { name: string; peer: string; netns?: NetnsRef; peerNetns?: NetnsRef });

/** The program of an operation's command for these params (ip unless its entry says otherwise). */
export function programOf<O extends Op>(op: O, params: Params<O>): Program {
  const p = spec(op).program;
  return typeof p === 'function' ? p(params) : (p ?? 'ip');
}

/** The command line behind a request, program and arguments (what it runs, or what a user would type). */
export function commandOf<O extends Op>(req: Request<O>, ctx: IpContext, result?: Result<O>): Command | undefined {
  const { op, ...params } = req as { op: O } & Params<O>;
  const argv = spec(op).ipArgv?.(params as unknown as Params<O>, ctx, result);
  return argv && { program: programOf(op, params as unknown as Params<O>), argv };
}

/**
 * The arguments of the command behind a request, if it has one (for ip when its program is ip;
 * commandOf says which program).
 */
export function ipArgvOf<O extends Op>(req: Request<O>, ctx: IpContext, result?: Result<O>): string[] | undefined {
  const { op, ...params } = req as { op: O } & Params<O>;
  return spec(op).ipArgv?.(params as unknown as Params<O>, ctx, result);
}

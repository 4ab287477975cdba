// The iproute2 commands behind each write operation. The helper runs these argv arrays (never
// through a shell); the extension shows the same commands in its log and in "Copy ip Command".
//
// Names are always placed after a keyword (`name`, `dev`, `netns`, `-n`) or in a position where ip
// reads them as data, so a name starting with "-" is never taken as an option. ip has no "--".

import type { NetnsRef } from './model';
import type { Params } from './operations';
import { shellLine } from './shell';
import { routeFamily } from './validate';


/** The programs whose command lines operations run (by absolute path in the helper) and show. */
export type Program = 'ip' | 'tc' | 'sysctl';

/** A command line: the program and its arguments. */
export interface Command {
  program: Program;
  argv: string[];
}

export interface IpContext {
  /**
   * How a program is named inside an argv (`ip netns exec NS <program>`): its absolute path when
   * running, its name for display. Absent: its name.
   */
  programPath?(program: Program): string;
  /** Path of a file that refers to the root namespace, as seen from a process ip starts. */
  rootNetnsPath: string;
  /** How a process's namespace is named to ip. */
  pidNetnsPath(pid: number): string;
  /** How a named namespace is named to ip as the target of `netns`. */
  namedNetnsPath(name: string): string;
}

/** For display: what a user would type (the root namespace is that of PID 1). */
export const DISPLAY_CONTEXT: IpContext = { rootNetnsPath: '1', pidNetnsPath: String, namedNetnsPath: (name) => name };

/**
 * For running ip. ip reads a `netns` word as a name in /run/netns, and when there is none as a
 * PID: a name of digits that is gone by then (deleted earlier in a batch) would put the interface
 * into some process's namespace. A path is only ever a path.
 */
export function runContext(rootNetnsPath: string, programPath?: (program: Program) => string): IpContext {
  return { rootNetnsPath, pidNetnsPath: (pid) => `/proc/${pid}/ns/net`, namedNetnsPath: (name) => `/run/netns/${name}`, programPath };
}

function inNetns(netns: NetnsRef): string[] {
  return netns === null ? [] : ['-n', netns];
}

/** The `netns` argument that names a target namespace for `ip link`. */
function target(netns: NetnsRef, ctx: IpContext): string {
  return netns === null ? ctx.rootNetnsPath : ctx.namedNetnsPath(netns);
}

export function addNetnsArgv(p: Params<'addNetns'>): string[] {
  return ['netns', 'add', p.name];
}

export function delNetnsArgv(p: Params<'delNetns'>): string[] {
  return ['netns', 'delete', p.name];
}

export function attachNetnsArgv(p: Params<'attachNetns'>): string[] {
  return ['netns', 'attach', p.name, String(p.pid)];
}

/** Both ends are created in one netlink request, so the kernel makes both or neither. */
export function addVethArgv(
  p: { name: string; peer: string; netns: NetnsRef; peerNetns: NetnsRef },
  ctx: IpContext,
): string[] {
  const argv = ['link', 'add', 'name', p.name];
  if (p.netns !== null) {
    argv.push('netns', target(p.netns, ctx));
  }
  argv.push('type', 'veth', 'peer', 'name', p.peer);
  if (p.peerNetns !== null) {
    argv.push('netns', target(p.peerNetns, ctx));
  }
  return argv;
}

export function moveLinkArgv(p: Params<'moveLink'>, ctx: IpContext): string[] {
  const dest = p.toPid !== undefined ? ctx.pidNetnsPath(p.toPid) : target(p.to ?? null, ctx);
  return [...inNetns(p.from), 'link', 'set', 'dev', p.name, 'netns', dest];
}

export function setLinkStateArgv(p: Params<'setLinkState'>): string[] {
  return [...inNetns(p.netns), 'link', 'set', 'dev', p.name, p.up ? 'up' : 'down'];
}

export function addAddressArgv(p: Params<'addAddress'>): string[] {
  return [...inNetns(p.netns), 'address', 'add', p.address, 'dev', p.name];
}

export function delAddressArgv(p: Params<'delAddress'>): string[] {
  return [...inNetns(p.netns), 'address', 'delete', p.address, 'dev', p.name];
}

export function delLinkArgv(p: Params<'delLink'>): string[] {
  return [...inNetns(p.netns), 'link', 'delete', 'dev', p.name];
}

/** `ip [-n NS] [-6] route add|del DEST [via GW] [dev DEV] [metric M]`. */
export function routeArgv(p: Params<'addRoute'>, verb: 'add' | 'del'): string[] {
  const argv = [...inNetns(p.netns), ...(routeFamily(p) === 6 ? ['-6'] : []), 'route', verb, p.destination.trim()];
  if (p.gateway !== undefined) {
    argv.push('via', p.gateway.trim());
  }
  if (p.device !== undefined) {
    argv.push('dev', p.device);
  }
  if (p.metric !== undefined) {
    argv.push('metric', String(p.metric));
  }
  return argv;
}

/**
 * A bridge, a dummy interface or a VLAN sub-interface. The VLAN's parent is named after `link`
 * (a keyword), the new name after `name`, and the id is a number the schema checked.
 */
export function addLinkArgv(p: Params<'addLink'>): string[] {
  const argv = [...inNetns(p.netns), 'link', 'add'];
  if (p.kind === 'vlan') {
    argv.push('link', p.parent ?? '', 'name', p.name, 'type', 'vlan', 'id', String(p.vlanId ?? ''));
  } else {
    argv.push('name', p.name, 'type', p.kind);
  }
  return argv;
}

/** Makes an interface a port of a bridge, or releases it (`master: null`). */
export function setMasterArgv(p: Params<'setMaster'>): string[] {
  const argv = [...inNetns(p.netns), 'link', 'set', 'dev', p.name];
  return p.master === null ? [...argv, 'nomaster'] : [...argv, 'master', p.master];
}

/** "ip -n ns1 link set dev veth-a up", ready to paste into a shell. */
export function formatIpCommand(argv: string[]): string {
  return shellLine(['ip', ...argv]);
}

/** "tc -n ns1 qdisc replace dev veth-a root netem delay 100ms", ready to paste into a shell. */
export function formatCommand(cmd: Command): string {
  return shellLine([cmd.program, ...cmd.argv]);
}

/**
 * `sysctl ARGS` inside a namespace: `ip netns exec NS sysctl ARGS` (ip's command line), or sysctl
 * itself in the host's (the helper's own) namespace. ip netns exec enters the namespace before it
 * runs sysctl, so the write lands in that namespace's /proc/sys/net.
 */
export function sysctlIn(netns: NetnsRef, args: string[], ctx: IpContext): Command {
  if (netns === null) {
    return { program: 'sysctl', argv: args };
  }
  return { program: 'ip', argv: ['netns', 'exec', netns, ctx.programPath?.('sysctl') ?? 'sysctl', ...args] };
}

/** Commands to show for the equivalent of `ip netns exec NS <cmd>`. */
export function netnsExecCommand(netns: NetnsRef, command: string[]): string {
  if (netns === null) {
    return shellLine(command);
  }
  return shellLine(['ip', 'netns', 'exec', netns, ...command]);
}

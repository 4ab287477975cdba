// The iproute2 commands offered by "Copy ip Command" for each kind of object. Pure.

import {
  addLinkArgv,
  addNetnsArgv,
  addVethArgv,
  delLinkArgv,
  delNetnsArgv,
  DISPLAY_CONTEXT,
  formatCommand,
  formatIpCommand,
  netnsExecCommand,
  routeArgv,
  setLinkStateArgv,
  sysctlIn,
  setMasterArgv,
} from '../../../core/ipCommand';
import { clearNetemArgv, setNetemArgv, sysctlForwardingArgs } from '../../../core/netem';
import { shellLine } from '../../../core/shell';
import type { Interface, Namespace, NetnsRef, Route } from '../../../core/model';
import type { RouteParams } from '../../../core/operations';

export type IpCommandKind =
  | 'exec'
  | 'show'
  | 'add'
  | 'delete'
  | 'link'
  | 'address'
  | 'up'
  | 'down'
  | 'veth'
  | 'recreate'
  | 'ports'
  | 'nomaster'
  | 'nsenter'
  | 'attach'
  | 'routes'
  | 'routes6'
  | 'routeAdd'
  | 'routeDelete'
  | 'forwarding'
  | 'netem'
  | 'clearNetem';

export interface IpCommandChoice {
  kind: IpCommandKind;
  command: string;
}

const n = (netns: NetnsRef) => (netns === null ? [] : ['-n', netns]);

/** Switching IPv4 forwarding to the other state (on when unknown). */
function forwardingChoice(netns: NetnsRef, ns: Pick<Namespace, 'forwarding'> | undefined): IpCommandChoice {
  return { kind: 'forwarding', command: formatCommand(sysctlIn(netns, sysctlForwardingArgs(4, !ns?.forwarding?.ipv4), DISPLAY_CONTEXT)) };
}

export function namespaceCommands(netns: NetnsRef, ns?: Pick<Namespace, 'forwarding'>): IpCommandChoice[] {
  if (netns === null) {
    return [
      { kind: 'show', command: formatIpCommand(['address', 'show']) },
      { kind: 'link', command: formatIpCommand(['-d', 'link', 'show']) },
      forwardingChoice(netns, ns),
    ];
  }
  return [
    { kind: 'exec', command: netnsExecCommand(netns, ['bash']) },
    { kind: 'show', command: formatIpCommand([...n(netns), 'address', 'show']) },
    { kind: 'add', command: formatIpCommand(addNetnsArgv({ name: netns })) },
    { kind: 'delete', command: formatIpCommand(delNetnsArgv({ name: netns })) },
    forwardingChoice(netns, ns),
  ];
}

export function interfaceCommands(
  netns: NetnsRef,
  iface: Pick<Interface, 'name' | 'kind' | 'flags' | 'peer' | 'master' | 'vlanId' | 'netem'>,
  /** A VLAN's parent, by name. */
  parent?: string,
): IpCommandChoice[] {
  const name = iface.name;
  const out: IpCommandChoice[] = [
    { kind: 'link', command: formatIpCommand([...n(netns), 'link', 'show', 'dev', name]) },
    { kind: 'address', command: formatIpCommand([...n(netns), 'address', 'show', 'dev', name]) },
  ];
  const up = iface.flags.includes('UP');
  out.push({ kind: up ? 'down' : 'up', command: formatIpCommand(setLinkStateArgv({ netns, name, up: !up })) });
  if (iface.kind === 'veth' && iface.peer?.name !== undefined && iface.peer.netns !== undefined) {
    out.push({
      kind: 'veth',
      command: formatIpCommand(addVethArgv({ name, peer: iface.peer.name, netns, peerNetns: iface.peer.netns }, DISPLAY_CONTEXT)),
    });
  }
  if (iface.netem) {
    out.push({ kind: 'netem', command: formatCommand({ program: 'tc', argv: setNetemArgv({ netns, name, ...iface.netem }) }) });
    out.push({ kind: 'clearNetem', command: formatCommand({ program: 'tc', argv: clearNetemArgv({ netns, name }) }) });
  }
  if (iface.kind === 'bridge' || iface.kind === 'dummy') {
    out.push({ kind: 'recreate', command: formatIpCommand(addLinkArgv({ netns, name, kind: iface.kind })) });
  }
  if (iface.kind === 'vlan' && parent !== undefined && iface.vlanId !== undefined) {
    out.push({ kind: 'recreate', command: formatIpCommand(addLinkArgv({ netns, name, kind: 'vlan', parent, vlanId: iface.vlanId })) });
  }
  if (iface.kind === 'bridge') {
    out.push({ kind: 'ports', command: shellLine(['bridge', ...n(netns), 'link', 'show', 'master', name]) });
  }
  if (iface.master !== undefined) {
    out.push({ kind: 'nomaster', command: formatIpCommand(setMasterArgv({ netns, name, master: null })) });
  }
  if (iface.kind !== 'loopback') {
    out.push({ kind: 'delete', command: formatIpCommand(delLinkArgv({ netns, name })) });
  }
  return out;
}

export function processNamespaceCommands(pid: number): IpCommandChoice[] {
  return [
    { kind: 'nsenter', command: shellLine(['nsenter', `--net=/proc/${pid}/ns/net`, 'bash']) },
    { kind: 'attach', command: `ip netns attach NAME ${pid}` },
  ];
}

/** A namespace's main table, both families. */
export function routesCommands(netns: NetnsRef): IpCommandChoice[] {
  return [
    { kind: 'routes', command: formatIpCommand([...n(netns), 'route', 'show']) },
    { kind: 'routes6', command: formatIpCommand([...n(netns), '-6', 'route', 'show']) },
  ];
}

/** Adding this route again, and deleting it (`params`: the route as Delete Route names it). */
export function routeCommands(params: RouteParams, route: Pick<Route, 'type'>): IpCommandChoice[] {
  const out: IpCommandChoice[] = [];
  // ip route add makes unicast routes: a blackhole or unreachable one is not offered again.
  if ((route.type ?? 'unicast') === 'unicast' && (params.gateway !== undefined || params.device !== undefined)) {
    out.push({ kind: 'routeAdd', command: formatIpCommand(routeArgv(params, 'add')) });
  }
  out.push({ kind: 'routeDelete', command: formatIpCommand(routeArgv(params, 'del')) });
  return out;
}

// The iproute2 commands offered by "Copy ip Command" for each kind of object. Pure.

import {
  addLinkArgv,
  addNetnsArgv,
  addVethArgv,
  delLinkArgv,
  delNetnsArgv,
  DISPLAY_CONTEXT,
  formatIpCommand,
  netnsExecCommand,
  setLinkStateArgv,
  setMasterArgv,
} from '../../../core/ipCommand';
import { shellLine } from '../../../core/shell';
import type { Interface, NetnsRef } from '../../../core/model';

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
  | 'attach';

export interface IpCommandChoice {
  kind: IpCommandKind;
  command: string;
}

const n = (netns: NetnsRef) => (netns === null ? [] : ['-n', netns]);

export function namespaceCommands(netns: NetnsRef): IpCommandChoice[] {
  if (netns === null) {
    return [
      { kind: 'show', command: formatIpCommand(['address', 'show']) },
      { kind: 'link', command: formatIpCommand(['-d', 'link', 'show']) },
    ];
  }
  return [
    { kind: 'exec', command: netnsExecCommand(netns, ['bash']) },
    { kind: 'show', command: formatIpCommand([...n(netns), 'address', 'show']) },
    { kind: 'add', command: formatIpCommand(addNetnsArgv({ name: netns })) },
    { kind: 'delete', command: formatIpCommand(delNetnsArgv({ name: netns })) },
  ];
}

export function interfaceCommands(
  netns: NetnsRef,
  iface: Pick<Interface, 'name' | 'kind' | 'flags' | 'peer' | 'master' | 'vlanId'>,
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

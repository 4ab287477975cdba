// How an interface's state is shown: administratively down, up without a carrier, or running.

import type { Interface } from '../../../core/model';

export type LinkState = 'up' | 'no-carrier' | 'down';

export function linkState(i: Interface): LinkState {
  if (!i.flags.includes('UP')) {
    return 'down';
  }
  // Loopback and some virtual devices report UNKNOWN while working.
  if (i.operState === 'UP' || (i.operState === 'UNKNOWN' && i.flags.includes('LOWER_UP'))) {
    return 'up';
  }
  return 'no-carrier';
}

/** A codicon per kind of device. */
export function kindIcon(kind: string): string {
  switch (kind) {
    case 'loopback':
      return 'sync';
    case 'veth':
      return 'plug';
    case 'bridge':
      return 'type-hierarchy-sub';
    case 'bond':
    case 'team':
      return 'link';
    case 'vlan':
    case 'macvlan':
    case 'macvtap':
    case 'ipvlan':
    case 'ipvtap':
      return 'layers';
    case 'dummy':
    case 'nlmon':
      return 'circle-outline';
    case 'wireguard':
      return 'lock';
    case 'tun':
    case 'tap':
      return 'vm';
    case 'vxlan':
    case 'geneve':
    case 'gre':
    case 'gretap':
    case 'ipip':
    case 'sit':
    case 'ip6tnl':
      return 'globe';
    default:
      return 'circuit-board';
  }
}

/** Theme colors: green when running, yellow without a carrier, grey when set down. */
export function stateColor(state: LinkState): string {
  switch (state) {
    case 'up':
      return 'charts.green';
    case 'no-carrier':
      return 'charts.yellow';
    default:
      return 'disabledForeground';
  }
}

/**
 * Space-separated tokens matched by `when` clauses with regular expressions, e.g.
 * `viewItem =~ /\binterface\.up\b/`: "interface interface.veth interface.up interface.addresses".
 */
export function interfaceContextValue(i: Interface, port = false): string {
  const tokens = ['interface', `interface.${i.kind === 'loopback' ? 'loopback' : i.kind === 'veth' ? 'veth' : 'other'}`];
  tokens.push(i.flags.includes('UP') ? 'interface.up' : 'interface.down');
  if (i.addresses.length > 0) {
    tokens.push('interface.addresses');
  }
  if (i.kind === 'veth' && i.peer?.name !== undefined && i.peer.netns !== undefined) {
    tokens.push('interface.peer');
  }
  // A bridge takes ports; a port (shown under its bridge) can be released; others can become one.
  if (i.kind === 'bridge') {
    tokens.push('interface.bridge');
  } else if (port) {
    tokens.push('interface.port');
  } else if (i.kind !== 'loopback') {
    tokens.push('interface.canBePort');
  }
  if (i.kind === 'vlan') {
    tokens.push('interface.vlan');
  }
  if (i.netem) {
    tokens.push('interface.netem');
  }
  return tokens.join(' ');
}

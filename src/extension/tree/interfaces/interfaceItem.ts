// The tree item and tooltip of one interface.

import * as vscode from 'vscode';
import { netnsId, type Interface, type Netem } from '../../../core/model';
import { netemSummary } from '../../../core/netem';
import { formatAddress, netnsDisplayName } from '../../labels';
import { rowUri } from '../../diagnose/checkMarks';
import type { InterfaceNode } from '../nodes';
import { codeSpan, commandUri, escapeMarkdown, markdown } from '../markdown';
import { interfaceContextValue, kindIcon, linkState, stateColor, type LinkState } from './interfaceState';

export function stateLabel(state: LinkState): string {
  switch (state) {
    case 'up':
      return vscode.l10n.t('up');
    case 'no-carrier':
      return vscode.l10n.t('no carrier');
    default:
      return vscode.l10n.t('down');
  }
}

/** "veth-b in ns2", or what is known of a peer that could not be placed. */
export function peerText(i: Interface): string | undefined {
  const p = i.peer;
  if (i.kind !== 'veth' || !p) {
    return undefined;
  }
  if (p.name !== undefined && p.netns !== undefined) {
    return vscode.l10n.t('{0} in {1}', p.name, netnsDisplayName(p.netns));
  }
  if (p.name !== undefined && p.netnsInode !== undefined) {
    return vscode.l10n.t('{0} in unnamed namespace {1}', p.name, netnsId(p.netnsInode));
  }
  if (p.netnsInode !== undefined) {
    return vscode.l10n.t('interface {0} in unnamed namespace {1}', String(p.ifindex), netnsId(p.netnsInode));
  }
  return vscode.l10n.t('interface {0} in a namespace that could not be read', String(p.ifindex));
}

/** "↔ veth-b (ns2)"; a peer in a namespace without a name shows that namespace's id. */
export function peerLabel(i: Interface): string | undefined {
  const p = i.peer;
  if (i.kind !== 'veth' || p?.name === undefined) {
    return undefined;
  }
  if (p.netns !== undefined) {
    return `↔ ${p.name} (${netnsDisplayName(p.netns)})`;
  }
  return p.netnsInode !== undefined ? `↔ ${p.name} (${netnsId(p.netnsInode)})` : undefined;
}

/** "netem 100ms ±10ms 1% loss", in the display language's words. */
export function netemLabel(n: Netem): string {
  return netemSummary(n, {
    loss: vscode.l10n.t('loss'),
    duplicate: vscode.l10n.t('duplicate'),
    corrupt: vscode.l10n.t('corrupt'),
    reorder: vscode.l10n.t('reorder'),
  });
}

/** "@veth-a, VLAN 10": a VLAN's parent as `ip link` prints it (veth-a.10@veth-a), and its id. */
export function vlanText(i: Interface, parent: string | undefined): string | undefined {
  if (i.kind !== 'vlan') {
    return undefined;
  }
  const id = i.vlanId !== undefined ? vscode.l10n.t('VLAN {0}', String(i.vlanId)) : undefined;
  return [parent !== undefined ? `@${parent}` : undefined, id].filter((x) => x !== undefined).join(', ') || undefined;
}

/** The name of a VLAN's (or macvlan's) parent in the same namespace, as last read. */
function parentName(node: InterfaceNode): string | undefined {
  const index = node.iface.linkIfindex;
  if (index === undefined) {
    return undefined;
  }
  for (const other of node.namespace.interfaces.values()) {
    if (other.iface.ifindex === index) {
      return other.name;
    }
  }
  return undefined;
}

export function portCountText(n: number): string {
  return n === 1 ? vscode.l10n.t('1 port') : vscode.l10n.t('{0} ports', n);
}

/**
 * The row of an interface. A bridge with ports is expanded to show them (`ports`: how many); a
 * port (`bridge`: its bridge, the row's parent) says whose port it is.
 */
export function interfaceItem(node: InterfaceNode, ports = 0, bridge?: string): vscode.TreeItem {
  const i = node.iface;
  const state = linkState(i);
  const item = new vscode.TreeItem(i.name, i.kind === 'bridge' && ports > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  // Carries the last connectivity check's mark (a file decoration).
  item.resourceUri = rowUri(node.netns, i.name);
  const parts: string[] = [];
  const vlan = vlanText(i, parentName(node));
  if (vlan) {
    parts.push(vlan);
  }
  parts.push(stateLabel(state));
  // Link-local IPv6 addresses are on every interface; the tooltip lists them.
  const shown = i.addresses.filter((a) => !(a.family === 6 && a.scope === 'link'));
  if (shown.length > 0) {
    parts.push(shown.map(formatAddress).join(', '));
  }
  const peer = peerLabel(i);
  if (peer) {
    parts.push(peer);
  }
  if (i.netem) {
    parts.push(netemLabel(i.netem));
  }
  if (i.kind === 'bridge') {
    parts.push(portCountText(ports));
  }
  if (i.master !== undefined) {
    parts.push(bridge !== undefined ? vscode.l10n.t('port of {0}', i.master) : vscode.l10n.t('master {0}', i.master));
  }
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(kindIcon(i.kind), new vscode.ThemeColor(stateColor(state)));
  item.contextValue = interfaceContextValue(i, bridge !== undefined);
  item.accessibilityInformation = {
    label: vscode.l10n.t('Interface {0}, {1}', i.name, item.description),
  };
  return item;
}

export function interfaceTooltip(node: InterfaceNode): vscode.MarkdownString {
  const i = node.iface;
  const md = markdown(['netns.revealInterface']);
  md.appendMarkdown(`**${escapeMarkdown(i.name)}** — ${escapeMarkdown(i.kind)}, ${escapeMarkdown(stateLabel(linkState(i)))}\n\n`);
  const row = (label: string, value: string) => md.appendMarkdown(`${escapeMarkdown(label)}: ${value}  \n`);
  row(vscode.l10n.t('Namespace'), escapeMarkdown(netnsDisplayName(node.netns)));
  if (i.mac) {
    row(vscode.l10n.t('MAC'), codeSpan(i.mac));
  }
  row(vscode.l10n.t('MTU'), String(i.mtu));
  row(vscode.l10n.t('State'), codeSpan(i.operState));
  row(vscode.l10n.t('Flags'), i.flags.length ? codeSpan(i.flags.join(',')) : '—');
  row(vscode.l10n.t('ifindex'), String(i.ifindex));
  row(vscode.l10n.t('Kind'), escapeMarkdown(i.kind));
  if (i.master) {
    row(node.parent.kind === 'interface' ? vscode.l10n.t('Bridge (master)') : vscode.l10n.t('Master'), escapeMarkdown(i.master));
  }
  if (i.netem) {
    row(vscode.l10n.t('Link impairment'), codeSpan(netemLabel(i.netem)));
  }
  if (i.kind === 'vlan') {
    if (i.vlanId !== undefined) {
      row(vscode.l10n.t('VLAN id'), String(i.vlanId));
    }
    const parent = parentName(node);
    if (parent !== undefined) {
      row(vscode.l10n.t('Parent'), escapeMarkdown(parent));
    }
  }
  if (i.kind === 'bridge') {
    row(vscode.l10n.t('Ports'), node.ports.length ? node.ports.map((p) => escapeMarkdown(p.name)).join(', ') : '—');
  }
  if (i.addresses.length > 0) {
    row(
      vscode.l10n.t('Addresses'),
      i.addresses.map((a) => codeSpan(formatAddress(a)) + (a.scope ? ` (${escapeMarkdown(a.scope)})` : '')).join(', '),
    );
  }
  const text = peerText(i);
  if (text !== undefined && i.peer) {
    if (i.peer.name !== undefined && i.peer.netns !== undefined) {
      const args = [{ netns: i.peer.netns, name: i.peer.name }];
      md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('peer'))}: [${escapeMarkdown(text)}](${commandUri('netns.revealInterface', args)} "${escapeMarkdown(vscode.l10n.t('Reveal the peer'))}")`);
    } else {
      row(vscode.l10n.t('peer'), escapeMarkdown(text));
    }
  }
  return md;
}

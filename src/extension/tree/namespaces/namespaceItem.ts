// The tree item and tooltip of a namespace (the host's or a named one).

import * as vscode from 'vscode';
import type { ContainerInfo, Namespace, NotNamespace, ProcessNamespace } from '../../../core/model';
import { containerLabel, interfaceCount, netnsDisplayName, notNamespaceText } from '../../labels';
import { appendHolders } from '../holders';
import { codeSpan, escapeMarkdown, markdown } from '../markdown';
import { rowUri } from '../../diagnose/checkMarks';
import type { NamespaceNode } from '../nodes';

// One of each for every row (a ThemeIcon is only an id): ten thousand rows make ten thousand items.
const HOME_ICON = new vscode.ThemeIcon('home');
const NAMESPACE_ICON = new vscode.ThemeIcon('symbol-namespace');

/** A name in /run/netns that is a plain file (or folder): shown so it can be deleted, nothing more. */
function notNamespaceItem(node: NamespaceNode, kind: NotNamespace): vscode.TreeItem {
  const item = new vscode.TreeItem(String(node.netns), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = kind === 'file' ? 'notNamespace.file' : 'notNamespace';
  item.description = vscode.l10n.t('not a namespace');
  item.iconPath = new vscode.ThemeIcon(kind === 'directory' ? 'folder' : 'file', new vscode.ThemeColor('list.warningForeground'));
  item.accessibilityInformation = { label: vscode.l10n.t('{0} in /run/netns, {1}', String(node.netns), notNamespaceText(kind)) };
  return item;
}

/**
 * "namespace" or "namespace.root", then a token per forwarding state for the menus:
 * `namespace.forwarding.off` (some family off: Enable is offered), `namespace.forwarding.on` (some on: Disable).
 */
export function namespaceContextValue(isRoot: boolean, ns: Namespace | undefined): string {
  const tokens = [isRoot ? 'namespace.root' : 'namespace'];
  const f = ns?.forwarding;
  if (f && !ns.error && !ns.unprivileged) {
    if (!f.ipv4 || !f.ipv6) {
      tokens.push('namespace.forwarding.off');
    }
    if (f.ipv4 || f.ipv6) {
      tokens.push('namespace.forwarding.on');
    }
  }
  return tokens.join(' ');
}

/** "forwarding" (both families), "IPv4 forwarding" or "IPv6 forwarding"; undefined when off. */
export function forwardingLabel(ns: Namespace | undefined): string | undefined {
  const f = ns?.forwarding;
  if (!f || (!f.ipv4 && !f.ipv6)) {
    return undefined;
  }
  return f.ipv4 && f.ipv6 ? vscode.l10n.t('forwarding') : f.ipv4 ? vscode.l10n.t('IPv4 forwarding') : vscode.l10n.t('IPv6 forwarding');
}

/** `container`: the container whose namespace it is (a name a runtime made, such as Podman's netns-<uuid>). */
/** `sockets`: how many sockets it has ("3 sockets"), once they were read. */
/** `reading`: only its name and id are known yet, and the helper is reading the rest (a first paint). */
export function namespaceItem(node: NamespaceNode, ns: Namespace | undefined, visibleInterfaces: number, container?: ContainerInfo, sockets?: string, reading = false): vscode.TreeItem {
  if (ns?.notNamespace) {
    return notNamespaceItem(node, ns.notNamespace);
  }
  const isRoot = node.netns === null;
  const item = new vscode.TreeItem(netnsDisplayName(node.netns), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  // Carries the last connectivity check's mark (a file decoration).
  item.resourceUri = rowUri(node.netns);
  item.contextValue = namespaceContextValue(isRoot, ns);
  if (ns?.error) {
    item.description = vscode.l10n.t('cannot be read');
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  } else if (ns?.unprivileged) {
    item.description = reading ? vscode.l10n.t('reading…') : vscode.l10n.t('needs the helper');
    item.iconPath = reading ? NAMESPACE_ICON : new vscode.ThemeIcon('lock');
  } else {
    const count = interfaceCount(visibleInterfaces);
    const base = isRoot ? `${vscode.l10n.t('root namespace')} · ${count}` : container ? `${count} · ${containerLabel(container)}` : count;
    const fwd = forwardingLabel(ns);
    const withSockets = sockets ? `${base} · ${sockets}` : base;
    item.description = fwd ? `${withSockets} · ${fwd}` : withSockets;
    item.iconPath = isRoot ? HOME_ICON : NAMESPACE_ICON;
  }
  item.accessibilityInformation = {
    label: isRoot
      ? vscode.l10n.t('Host (root namespace), {0}', String(item.description))
      : vscode.l10n.t('Namespace {0}, {1}', String(node.netns), String(item.description)),
  };
  return item;
}

export function namespaceTooltip(node: NamespaceNode, ns: Namespace | undefined, procs: ProcessNamespace | undefined, reading = false): vscode.MarkdownString {
  const md = markdown();
  const title = node.netns === null ? vscode.l10n.t('host (root namespace)') : node.netns;
  md.appendMarkdown(`**${escapeMarkdown(title)}**\n\n`);
  if (ns?.notNamespace) {
    md.appendMarkdown(
      escapeMarkdown(
        vscode.l10n.t(
          '{0} is {1}: no namespace is mounted on it, so it has no interfaces and nothing can be put into it. It is in the way of a namespace of that name.',
          ns.path,
          notNamespaceText(ns.notNamespace),
        ),
      ),
    );
    return md;
  }
  const row = (label: string, value: string) => md.appendMarkdown(`${escapeMarkdown(label)}: ${value}  \n`);
  if (ns) {
    row(vscode.l10n.t('Path'), codeSpan(ns.path));
    row(vscode.l10n.t('ID'), codeSpan(ns.id));
    // Only its name and id are known: the rest is being read, or needs the helper.
    const unknown = ns.unprivileged ? escapeMarkdown(reading ? vscode.l10n.t('reading…') : vscode.l10n.t('needs the helper')) : undefined;
    row(vscode.l10n.t('nsid'), ns.nsid !== undefined ? String(ns.nsid) : (unknown ?? escapeMarkdown(vscode.l10n.t('not set'))));
    row(vscode.l10n.t('Interfaces'), unknown ?? String(ns.interfaces.length));
    if (ns.forwarding) {
      const onOff = (on: boolean) => (on ? vscode.l10n.t('on') : vscode.l10n.t('off'));
      row(vscode.l10n.t('Forwarding'), escapeMarkdown(vscode.l10n.t('IPv4: {0}, IPv6: {1}', onOff(ns.forwarding.ipv4), onOff(ns.forwarding.ipv6))));
    }
    if (ns.error) {
      row(vscode.l10n.t('Error'), escapeMarkdown(ns.error));
    }
  }
  if (procs?.container) {
    row(vscode.l10n.t('Container'), `${escapeMarkdown(containerLabel(procs.container))} ${codeSpan(procs.container.id.slice(0, 12))}`);
  }
  if (procs) {
    row(vscode.l10n.t('Processes'), String(procs.processes.length));
    appendHolders(md, procs);
  }
  return md;
}

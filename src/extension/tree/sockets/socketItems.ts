// Items for the "Listening" group of a namespace and each listening socket in it, and the socket
// count on the namespace's row.

import * as vscode from 'vscode';
import { endpoint, isListening, ownersText } from '../../../core/inspect/format';
import type { SocketsResult } from '../../../core/inspect/types';
import { codeSpan, escapeMarkdown, markdown } from '../markdown';
import type { ListeningNode, SocketNode } from '../nodes';

export function listeningCount(n: number): string {
  return vscode.l10n.t('{0} listening', n);
}

/**
 * "2 listening" for a namespace's row; undefined until its sockets were read, and when nothing
 * listens. (The total, which every connection changes, is in the tooltip.)
 */
export function socketsDescription(r: SocketsResult | undefined): string | undefined {
  const n = r ? r.sockets.filter(isListening).length : 0;
  return n > 0 ? listeningCount(n) : undefined;
}

export function listeningItem(node: ListeningNode, r: SocketsResult | undefined, error: string | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Listening'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.contextValue = 'listening';
  item.iconPath = new vscode.ThemeIcon('radio-tower');
  if (r) {
    const n = r.sockets.filter(isListening).length;
    // Nothing until there is something: a namespace without sockets reads the same before and after.
    item.description = n > 0 ? String(n) : undefined;
    item.tooltip = vscode.l10n.t('{0} sockets in this namespace, {1} listening', r.sockets.length, r.sockets.filter(isListening).length);
  } else if (error) {
    item.description = vscode.l10n.t('cannot be read');
    item.tooltip = error;
  }
  // Read as its row says, not as its tooltip (which a screen reader would read otherwise).
  item.accessibilityInformation = { label: item.description ? `${vscode.l10n.t('Listening')}, ${String(item.description)}` : vscode.l10n.t('Listening') };
  return item;
}

export function socketItem(node: SocketNode): vscode.TreeItem {
  const s = node.socket;
  const item = new vscode.TreeItem(`${s.protocol}${s.family === 6 ? '6' : ''} ${endpoint(s.local, s.localPort, s.family)}`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = 'socket';
  item.iconPath = new vscode.ThemeIcon(s.protocol === 'tcp' ? 'plug' : 'broadcast');
  const owner = s.owners[0];
  item.description = owner
    ? s.owners.length === 1
      ? vscode.l10n.t('{0} · PID {1}', owner.command, owner.pid)
      : vscode.l10n.t('{0} · PID {1} and {2} more', owner.command, owner.pid, s.owners.length - 1)
    : vscode.l10n.t('uid {0}', s.uid);
  const md = markdown();
  md.appendMarkdown(`**${escapeMarkdown(`${s.protocol.toUpperCase()} ${endpoint(s.local, s.localPort, s.family)}`)}** ${escapeMarkdown(s.state)}\n\n`);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Processes'))}: ${s.owners.length > 0 ? escapeMarkdown(ownersText(s)) : escapeMarkdown(vscode.l10n.t('none found in this namespace'))}  \n`);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Socket inode'))}: ${codeSpan(String(s.inode))}`);
  item.tooltip = md;
  return item;
}

/** Rows of a namespace's tooltip. */
export function appendSocketsTooltip(md: vscode.MarkdownString, r: SocketsResult | undefined): void {
  if (r) {
    md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Sockets'))}: ${escapeMarkdown(vscode.l10n.t('{0} ({1} listening)', r.sockets.length, r.sockets.filter(isListening).length))}  \n`);
  }
}

// Items for namespaces that processes are in but that have no name (a container's, say).

import * as vscode from 'vscode';
import type { ProcessNamespace } from '../../../core/model';
import { processCount } from '../../labels';
import { codeSpan, escapeMarkdown, markdown } from '../markdown';
import type { UnnamedGroupNode, UnnamedNamespaceNode } from '../nodes';

export function unnamedGroupItem(node: UnnamedGroupNode, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Unnamed namespaces'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.contextValue = 'unnamedGroup';
  item.description = String(count);
  item.iconPath = new vscode.ThemeIcon('package');
  item.tooltip = vscode.l10n.t('Network namespaces that processes (such as containers) are in but that have no name in /run/netns. Give one a name to manage it here.');
  return item;
}

export function unnamedNamespaceItem(node: UnnamedNamespaceNode, pns: ProcessNamespace | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(pns?.id ?? `net:[${node.inode}]`, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.contextValue = 'namespace.unnamed';
  item.iconPath = new vscode.ThemeIcon('symbol-namespace', new vscode.ThemeColor('disabledForeground'));
  if (pns) {
    const first = pns.processes[0];
    item.description = first ? `${processCount(pns.processes.length)} · ${first.command}` : processCount(0);
    const md = markdown();
    md.appendMarkdown(`**${escapeMarkdown(vscode.l10n.t('Unnamed namespace'))}** ${codeSpan(pns.id)}\n\n`);
    md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Inode'))}: ${pns.inode}  \n`);
    md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Processes'))}: ${pns.processes.length}  \n`);
    if (first) {
      md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('Path'))}: ${codeSpan(`/proc/${first.pid}/ns/net`)}`);
    }
    item.tooltip = md;
  }
  return item;
}

// Items for namespaces that processes are in but that have no name (a container's, say).

import * as vscode from 'vscode';
import type { ProcessNamespace } from '../../../core/model';
import { containerLabel, containerName, holderText, processCount, runtimeName } from '../../labels';
import { appendHolders } from '../holders';
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

/** The icon of an unnamed namespace: a container's, or what alone keeps it when no process is inside. */
function iconOf(pns: ProcessNamespace): string {
  if (pns.container) {
    return 'vm';
  }
  if (pns.processes.length > 0) {
    return 'symbol-namespace';
  }
  switch (pns.holders?.[0]?.kind) {
    case 'mount':
      return 'pin';
    case 'fd':
      return 'plug';
    case 'thread':
      return 'list-tree';
    default:
      return 'symbol-namespace';
  }
}

/**
 * The label a person recognises: the container's name, else the path it is mounted on, else its
 * id. The description says what else there is: the runtime, the processes, or what holds it.
 */
export function unnamedNamespaceItem(node: UnnamedNamespaceNode, pns: ProcessNamespace | undefined): vscode.TreeItem {
  const mount = pns?.holders?.find((h) => h.kind === 'mount');
  const label = pns?.container ? containerName(pns.container) : mount ? mount.path : (pns?.id ?? `net:[${node.inode}]`);
  const item = new vscode.TreeItem(label, pns && pns.processes.length === 0 ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  // Without a process inside, there is no PID to name it by or to enter it through.
  item.contextValue = !pns || pns.processes.length > 0 ? 'namespace.unnamed' : 'heldNamespace';
  item.iconPath = new vscode.ThemeIcon(pns ? iconOf(pns) : 'symbol-namespace', new vscode.ThemeColor('disabledForeground'));
  if (pns) {
    const first = pns.processes[0];
    const parts: string[] = [];
    if (pns.container) {
      parts.push(runtimeName(pns.container.runtime));
    }
    if (first) {
      parts.push(processCount(pns.processes.length), first.command);
    } else {
      const holder = pns.holders?.[0];
      parts.push(!holder ? processCount(0) : holder.kind === 'mount' && holder.path === label ? vscode.l10n.t('bind mount') : holderText(holder));
    }
    if (label !== pns.id) {
      parts.push(pns.id);
    }
    item.description = parts.join(' · ');
    item.tooltip = unnamedTooltip(pns);
    item.accessibilityInformation = { label: vscode.l10n.t('Unnamed namespace {0}, {1}', label, item.description) };
  }
  return item;
}

function unnamedTooltip(pns: ProcessNamespace): vscode.MarkdownString {
  const md = markdown();
  const first = pns.processes[0];
  md.appendMarkdown(`**${escapeMarkdown(vscode.l10n.t('Unnamed namespace'))}** ${codeSpan(pns.id)}\n\n`);
  const row = (label: string, value: string) => md.appendMarkdown(`${escapeMarkdown(label)}: ${value}  \n`);
  row(vscode.l10n.t('Inode'), String(pns.inode));
  if (pns.dev !== undefined) {
    row(vscode.l10n.t('Device'), String(pns.dev));
  }
  if (pns.container) {
    row(vscode.l10n.t('Container'), `${escapeMarkdown(containerLabel(pns.container))} ${codeSpan(pns.container.id.slice(0, 12))}`);
    if (pns.container.pod) {
      row(vscode.l10n.t('Pod'), escapeMarkdown(pns.container.pod));
    }
  }
  row(vscode.l10n.t('Processes'), String(pns.processes.length));
  if (first) {
    row(vscode.l10n.t('Path'), codeSpan(`/proc/${first.pid}/ns/net`));
  }
  appendHolders(md, pns);
  return md;
}

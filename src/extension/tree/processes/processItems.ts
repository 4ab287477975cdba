// Items for the "Processes" child of a namespace and for each process in it.

import * as vscode from 'vscode';
import type { ProcessInfo } from '../../../core/model';
import { processCount } from '../../labels';
import { codeSpan, escapeMarkdown, markdown } from '../markdown';
import type { ProcessesNode, ProcessNode } from '../nodes';

export function processesItem(node: ProcessesNode, count: number | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Processes'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.contextValue = 'processes';
  item.iconPath = new vscode.ThemeIcon('server-process');
  if (count !== undefined) {
    item.description = processCount(count);
  }
  return item;
}

export function processItem(node: ProcessNode): vscode.TreeItem {
  const p = node.process;
  const item = new vscode.TreeItem(p.command || `[${p.pid}]`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = 'process';
  item.description = vscode.l10n.t('PID {0} · {1}', String(p.pid), p.user);
  item.iconPath = new vscode.ThemeIcon('terminal');
  item.tooltip = processTooltip(p);
  return item;
}

function processTooltip(p: ProcessInfo): vscode.MarkdownString {
  const md = markdown();
  md.appendMarkdown(`**${escapeMarkdown(p.command)}**\n\n`);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('PID'))}: ${p.pid}  \n`);
  md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('User'))}: ${escapeMarkdown(p.user)} (${codeSpan(String(p.uid))})`);
  return md;
}

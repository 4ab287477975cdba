// The "Labs" group of the view: the workspace's lab files, each with how the kernel compares.

import * as vscode from 'vscode';
import { labStatusText } from '../../labs/labCodeLens';
import type { LabFile, LabStatus } from '../../labs/labFiles';
import type { LabFileNode, LabsGroupNode } from '../nodes';

export function labsGroupItem(node: LabsGroupNode, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Labs'), vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  item.description = String(count);
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = 'labsGroup';
  item.tooltip = vscode.l10n.t('The lab files (*.netns.yaml) of the workspace');
  return item;
}

function statusIcon(s: LabStatus): vscode.ThemeIcon {
  switch (s.kind) {
    case 'applied':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'drift':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'problems':
    case 'conflict':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'notApplied':
      return new vscode.ThemeIcon('circle-large-outline');
    case 'unknown':
      return new vscode.ThemeIcon('question');
  }
}

export function labFileItem(node: LabFileNode, file: LabFile | undefined): vscode.TreeItem {
  const name = file?.parsed.spec?.name ?? node.uri.path.split('/').pop() ?? '';
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const status = file?.status ?? { kind: 'unknown' };
  item.description = labStatusText(status);
  item.iconPath = statusIcon(status);
  item.tooltip = new vscode.MarkdownString().appendText(`${vscode.workspace.asRelativePath(node.uri)}\n\n${labStatusText(status)}`);
  item.contextValue = `labFile ${status.kind}`;
  item.accessibilityInformation = { label: vscode.l10n.t('Lab {0}, {1}', name, labStatusText(status)) };
  item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Lab File'), arguments: [node.uri] };
  return item;
}

// The "Captures" group at the top of the view (shown while the window has captures) and one row
// per capture: running ones with their counts and a stop button, finished ones with Open (and
// Open in Wireshark when it is installed).

import * as vscode from 'vscode';
import type { CaptureInfo } from '../../capture/captureManager';
import { captureEndText, captureLabel, formatBytes } from '../../capture/captureText';
import type { CaptureNode, CapturesGroupNode } from '../nodes';

export function capturesGroupItem(node: CapturesGroupNode, list: CaptureInfo[]): vscode.TreeItem {
  const running = list.filter((c) => c.state === 'running').length;
  const item = new vscode.TreeItem(vscode.l10n.t('Captures'), vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  item.description = running > 0 ? vscode.l10n.t('{0} running', running) : vscode.l10n.t('{0} finished', list.length);
  item.iconPath = new vscode.ThemeIcon('record', running > 0 ? new vscode.ThemeColor('charts.red') : undefined);
  item.contextValue = ['captures', ...(running > 0 ? ['captures.running'] : []), ...(list.length > running ? ['captures.finished'] : [])].join(' ');
  return item;
}

export function captureItem(node: CaptureNode, c: CaptureInfo | undefined): vscode.TreeItem {
  if (!c) {
    const gone = new vscode.TreeItem(node.id);
    gone.id = node.id;
    return gone;
  }
  const item = new vscode.TreeItem(captureLabel(c), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const counts = c.packets === 1 ? vscode.l10n.t('1 packet') : vscode.l10n.t('{0} packets', c.packets);
  const state = c.state === 'running' ? vscode.l10n.t('running') : c.reason === 'stopped' ? vscode.l10n.t('stopped') : vscode.l10n.t('ended');
  item.description = [state, counts, formatBytes(c.bytes), ...(c.filter ? [c.filter] : [])].join(' · ');
  item.iconPath = new vscode.ThemeIcon(c.state === 'running' ? 'record' : 'file-binary', c.state === 'running' ? new vscode.ThemeColor('charts.red') : undefined);
  item.contextValue = c.state === 'running' ? 'capture capture.running' : 'capture capture.ended';
  const tip = new vscode.MarkdownString();
  tip.appendText(`${captureLabel(c)}\n\n`);
  tip.appendText(`${vscode.l10n.t('File: {0}', c.file)}\n\n`);
  if (c.state === 'ended') {
    tip.appendText(captureEndText(c));
  }
  item.tooltip = tip;
  // A click on a running capture shows its terminal; on a finished one, opens its file.
  item.command =
    c.state === 'running'
      ? { command: 'netns.showCapture', title: vscode.l10n.t('Show Capture'), arguments: [node] }
      : { command: 'netns.openCapture', title: vscode.l10n.t('Open Capture File'), arguments: [node] };
  item.accessibilityInformation = { label: vscode.l10n.t('Capture {0}, {1}', captureLabel(c), item.description) };
  return item;
}

// Words for captures that the tree, the terminal and the messages share.

import * as vscode from 'vscode';
import { netnsDisplayName } from '../labels';
import type { CaptureInfo } from './captureManager';

/** "1.3 KB", "12 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) {
    return vscode.l10n.t('{0} bytes', n);
  }
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** "ns1/veth-b". */
export function captureLabel(info: Pick<CaptureInfo, 'netns' | 'name'>): string {
  return `${netnsDisplayName(info.netns)}/${info.name}`;
}

/** Why it ended, as a sentence. */
export function captureEndText(info: CaptureInfo): string {
  switch (info.reason) {
    case 'stopped':
      return vscode.l10n.t('Capture stopped.');
    case 'maxBytes':
      return vscode.l10n.t('Capture ended: the file reached its size limit (setting "netns.capture.maxMegabytes").');
    case 'maxSeconds':
      return vscode.l10n.t('Capture ended: it ran for its time limit (setting "netns.capture.maxSeconds").');
    case 'helperStopped':
      return vscode.l10n.t('Capture ended: the privileged helper stopped.');
    case 'disconnected':
      return vscode.l10n.t('Capture ended: the window closed its connection to the helper.');
    default:
      return info.message ? vscode.l10n.t('Capture ended: {0}', info.message) : vscode.l10n.t('Capture ended: tcpdump exited.');
  }
}

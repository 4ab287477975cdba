// A capture that ended without being asked to (its size or time limit, tcpdump or the helper
// stopping) says so in a message, with the way to its file.

import * as vscode from 'vscode';
import type { Host } from '../host';
import type { CaptureManager } from './captureManager';
import { captureEndText, captureLabel, formatBytes } from './captureText';
import { findWireshark, openInWireshark } from './wireshark';

export function announceCaptureEnds(manager: CaptureManager, host: () => Host): vscode.Disposable {
  return manager.onDidEnd((c) => {
    if (c.reason === 'stopped' || c.reason === 'disconnected') {
      return; // asked for: its terminal and row say it
    }
    const text = `${captureLabel(c)}: ${captureEndText(c)} ${vscode.l10n.t('{0} packets, {1}, in {2}', c.packets, formatBytes(c.bytes), c.file)}`;
    const wireshark = findWireshark();
    const open = vscode.l10n.t('Open in Wireshark');
    const shown = c.reason === 'exited' || c.reason === 'helperStopped' ? host().showWarningMessage(text, {}, ...(wireshark ? [open] : [])) : host().showInformationMessage(text, ...(wireshark ? [open] : []));
    void Promise.resolve(shown).then((choice) => {
      if (choice === open && wireshark) {
        void openInWireshark(wireshark, c.file).catch(() => undefined);
      }
    });
  });
}

// The live view of a capture: a terminal ("capture ns1/veth-b") showing one decoded line per
// packet. Ctrl+C in it, or closing it, stops the capture; after the end it says why, how much was
// captured and where the file is.

import * as vscode from 'vscode';
import { netnsDisplayName } from '../labels';
import type { CaptureInfo, CaptureManager } from './captureManager';
import { captureEndText, formatBytes } from './captureText';

export function captureTerminalName(info: Pick<CaptureInfo, 'netns' | 'name'>): string {
  return vscode.l10n.t('capture {0}/{1}', netnsDisplayName(info.netns), info.name);
}

/** Opens the terminal of a running capture. */
export function openCaptureTerminal(manager: CaptureManager, info: CaptureInfo, show = true): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let subscription: vscode.Disposable | undefined;
  let ended = false;
  // Lines go out together every few milliseconds: a busy link sends thousands a second.
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length > 0) {
      write.fire(pending.join(''));
      pending = [];
    }
  };
  const out = (text: string) => {
    pending.push(text.replace(/\r?\n/g, '\r\n') + '\r\n');
    timer ??= setTimeout(flush, 30);
  };
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      const where = netnsDisplayName(info.netns);
      out(`\x1b[1m${vscode.l10n.t('Capturing on {0} in {1}{2}', info.name, where, info.filter ? ` (${info.filter})` : '')}\x1b[0m`);
      out(`\x1b[2m${vscode.l10n.t('File: {0}', info.file)}\x1b[0m`);
      out(`\x1b[2m${info.decoder === 'tcpdump' ? vscode.l10n.t('Decoded by tcpdump. Press Ctrl+C to stop.') : vscode.l10n.t('Decoded by the built-in decoder (install tcpdump for full decoding). Press Ctrl+C to stop.')}\x1b[0m`);
      subscription = manager.attach(info.key, {
        line: (text) => out(text),
        ended: (i) => {
          ended = true;
          out('');
          out(`\x1b[1m${captureEndText(i)}\x1b[0m`);
          out(`\x1b[2m${vscode.l10n.t('{0} packets, {1}, in {2}', i.packets, formatBytes(i.bytes), i.file)}\x1b[0m`);
          if (i.dropped) {
            out(`\x1b[33m${vscode.l10n.t('{0} packets were dropped by the kernel (the capture could not keep up); use a filter to capture less.', i.dropped)}\x1b[0m`);
          }
        },
      });
    },
    close: () => {
      clearTimeout(timer);
      subscription?.dispose();
      if (!ended) {
        void manager.stop(info.key);
      }
      write.dispose();
      close.dispose();
    },
    handleInput: (data) => {
      if (data === '\x03' && !ended) {
        out('^C');
        void manager.stop(info.key);
      }
    },
  };
  const terminal = vscode.window.createTerminal({
    name: captureTerminalName(info),
    pty,
    iconPath: new vscode.ThemeIcon('record'),
    color: new vscode.ThemeColor('terminal.ansiRed'),
    isTransient: true,
  });
  if (show) {
    terminal.show(true);
  }
  return terminal;
}

// The "Network Namespace..." terminal profile: asks which namespace, then opens a shell in it.
// Works without the helper: the names come from /run/netns and the terminal escalates itself.

import * as vscode from 'vscode';
import type { Host } from '../host';
import { namespaceTerminalOptions } from './namespaceTerminal';
import { namespaceNamesOnDisk } from './terminalTools';

export const TERMINAL_PROFILE_ID = 'netns.terminalProfile';

export class NamespaceTerminalProfileProvider implements vscode.TerminalProfileProvider {
  constructor(private readonly host: () => Host) {}

  async provideTerminalProfile(): Promise<vscode.TerminalProfile | undefined> {
    const items: (vscode.QuickPickItem & { netns: string | null })[] = [
      { label: vscode.l10n.t('host'), description: vscode.l10n.t('root namespace'), iconPath: new vscode.ThemeIcon('home'), netns: null },
      ...namespaceNamesOnDisk().map((n) => ({ label: n, iconPath: new vscode.ThemeIcon('symbol-namespace'), netns: n })),
    ];
    const picked = await this.host().showQuickPick(items, {
      title: vscode.l10n.t('Terminal in a Network Namespace'),
      placeHolder: vscode.l10n.t('Choose the namespace for the new terminal'),
    });
    if (!picked) {
      return undefined;
    }
    const { options } = namespaceTerminalOptions(picked.netns);
    showWhenOpened(options);
    return new vscode.TerminalProfile(options);
  }
}

/** How long the terminal made from a profile may take to open before nobody waits for it. */
const OPEN_TIMEOUT_MS = 10_000;

/**
 * VS Code creates the terminal from the profile but does not always show the panel (from the
 * palette's "Create New Terminal (With Profile)" it stays hidden): show it once it opens.
 */
function showWhenOpened(options: vscode.TerminalOptions): void {
  const sub = vscode.window.onDidOpenTerminal((t) => {
    const o = t.creationOptions as vscode.TerminalOptions;
    if (o.name === options.name && o.shellPath === options.shellPath) {
      done();
      t.show();
    }
  });
  const timer = setTimeout(() => done(), OPEN_TIMEOUT_MS);
  const done = () => {
    clearTimeout(timer);
    sub.dispose();
  };
}

// Terminals inside a namespace, from the tree, the palette and the terminal profile.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../core/model';
import { config } from '../config';
import { TerminalSetupError, terminalOptions, type NamespaceTerminalOptions } from './terminalOptions';
import { terminalTools } from './terminalTools';

/** The options for a terminal in `netns`; throws an Error with a user-facing message. */
export function namespaceTerminalOptions(netns: NetnsRef): { options: vscode.TerminalOptions; details: NamespaceTerminalOptions } {
  let o: NamespaceTerminalOptions;
  try {
    o = terminalOptions({
      netns,
      user: config.terminalUser(),
      shell: config.terminalShell(),
      envShell: process.env.SHELL,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      method: config.privilegeMethod(),
      tools: terminalTools(),
    });
  } catch (e) {
    if (e instanceof TerminalSetupError) {
      throw new Error(
        e.reason === 'no-pkexec'
          ? vscode.l10n.t('pkexec is not installed. Install it or set "netns.privilege.method" to "sudo".')
          : vscode.l10n.t('Entering a namespace needs root, and neither sudo nor pkexec is installed.'),
        { cause: e },
      );
    }
    throw e;
  }
  const options: vscode.TerminalOptions = {
    name: netns === null ? `netns: ${vscode.l10n.t('host')}` : o.name,
    shellPath: o.shellPath,
    shellArgs: o.shellArgs,
    env: o.env,
    iconPath: new vscode.ThemeIcon(netns === null ? 'home' : 'symbol-namespace'),
    color: netns === null ? undefined : new vscode.ThemeColor('terminal.ansiCyan'),
  };
  return { options, details: o };
}

export function openNamespaceTerminal(netns: NetnsRef): { terminal: vscode.Terminal; commandLine: string } {
  const { options, details } = namespaceTerminalOptions(netns);
  const terminal = vscode.window.createTerminal(options);
  terminal.show();
  return { terminal, commandLine: details.commandLine };
}

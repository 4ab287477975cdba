// netns.openTerminal: a shell inside a namespace (`ip netns exec NS SHELL`, as the user by default).
//   (namespaceNode) | ('ns1') | (null) for the host | ({ netns: 'ns1' })
//   ()                asks which namespace
// Returns the terminal, or undefined when cancelled or it could not be set up.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../../core/model';
import { openNamespaceTerminal } from '../../terminal/namespaceTerminal';
import { namespaceArgs } from '../args';
import type { CommandContext } from '../context';
import { showFailure } from '../operations';
import { pickNamespace } from '../pickers';

export async function openTerminal(ctx: CommandContext, arg?: unknown): Promise<vscode.Terminal | undefined> {
  let netns: NetnsRef | undefined = namespaceArgs(arg)?.[0];
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, {
      title: vscode.l10n.t('Open Terminal in Namespace'),
      placeHolder: vscode.l10n.t('Choose the namespace for the new terminal'),
    });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    netns = picked.netns;
  }
  try {
    const { terminal, commandLine } = openNamespaceTerminal(netns);
    ctx.log.info(`Terminal "${terminal.name}": ${commandLine}`);
    return terminal;
  } catch (e) {
    showFailure(ctx, vscode.l10n.t('Opening a terminal'), e);
    return undefined;
  }
}

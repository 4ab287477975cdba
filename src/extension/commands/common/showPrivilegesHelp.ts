// netns.showPrivilegesHelp (): opens the README's "Privileges" section, which shows the polkit
// rule and the sudoers line that let the helper start without a password.

import * as vscode from 'vscode';
import type { CommandContext } from '../context';

export async function showPrivilegesHelp(ctx: CommandContext): Promise<vscode.Uri> {
  const readme = vscode.Uri.joinPath(ctx.extensionUri, 'README.md').with({ fragment: 'privileges' });
  await vscode.commands.executeCommand('markdown.showPreview', readme);
  return readme;
}

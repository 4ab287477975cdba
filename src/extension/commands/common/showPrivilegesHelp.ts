// netns.showPrivilegesHelp (): opens the README's "Privileges" section, which shows the polkit
// rule and the sudoers line that let the helper start without a password.

import * as vscode from 'vscode';
import { findReadme } from '../../readmeFile';
import type { CommandContext } from '../context';

export async function showPrivilegesHelp(ctx: CommandContext): Promise<vscode.Uri | undefined> {
  const found = ctx.extensionUri.scheme === 'file' ? findReadme(ctx.extensionUri.fsPath) : undefined;
  if (!found && ctx.extensionUri.scheme === 'file') {
    void ctx.host.showErrorMessage(vscode.l10n.t('The README is missing from the extension\'s folder ({0}). Reinstall the extension.', ctx.extensionUri.fsPath));
    return undefined;
  }
  const readme = (found ? vscode.Uri.file(found) : vscode.Uri.joinPath(ctx.extensionUri, 'README.md')).with({ fragment: 'privileges' });
  await vscode.commands.executeCommand('markdown.showPreview', readme);
  return readme;
}

// netns.uninstallHelper (): after a modal confirmation, removes the installed helper and its polkit
// action through the running helper, or through the extension's own copy when the running one is
// the installed copy (see passwordStart.ts). A helper already running from the installed copy goes on
// until the window closes; the next start uses the helper inside the extension.
// Returns the paths removed, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { INSTALL_DIR, POLKIT_POLICY_PATH } from '../../../core/install';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { withPasswordStart } from './passwordStart';

export async function uninstallHelper(ctx: CommandContext): Promise<string[] | undefined> {
  const uninstall = vscode.l10n.t('Uninstall');
  const answer = await ctx.host.showWarningMessage(
    vscode.l10n.t('Uninstall the privileged helper?'),
    {
      modal: true,
      detail: vscode.l10n.t(
        'This removes {0} and {1}. A sudoers line or polkit rule that names the helper no longer applies; remove it too.',
        INSTALL_DIR,
        POLKIT_POLICY_PATH,
      ),
    },
    uninstall,
  );
  if (answer !== uninstall) {
    return undefined;
  }
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Uninstalling the privileged helper'),
    () => withPasswordStart(ctx, (client) => request(ctx, 'uninstallHelper', {}, client)),
    {},
  );
  if (!result) {
    return undefined;
  }
  ctx.log.info(`uninstalled the helper: ${result.removed.join(', ') || 'nothing was installed'}`);
  void ctx.host.showInformationMessage(
    result.removed.length > 0
      ? vscode.l10n.t('Removed {0}.', result.removed.join(', '))
      : vscode.l10n.t('The helper was not installed, so nothing was removed.'),
  );
  return result.removed;
}

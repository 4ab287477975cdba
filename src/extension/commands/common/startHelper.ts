// netns.startHelper (): starts the privileged helper (authenticating if needed) and reads the
// namespaces. Used by the view's welcome content after a failed or cancelled start. Returns true
// when the helper runs.

import * as vscode from 'vscode';
import type { TreeNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { showFailure } from '../operations';

export async function startHelper(ctx: CommandContext, view: vscode.TreeView<TreeNode>): Promise<boolean> {
  const end = ctx.status.begin(vscode.l10n.t('Starting the helper'));
  try {
    await ctx.client.start();
  } catch (e) {
    showFailure(ctx, vscode.l10n.t('Starting the helper'), e);
    return false;
  } finally {
    end();
  }
  await ctx.activation.setVisible(view.visible);
  if (!ctx.model.loaded) {
    await ctx.model.refresh();
  }
  return true;
}

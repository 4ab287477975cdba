// netns.refresh (): reads every namespace again. Returns the number of namespaces now shown
// (the host's included).

import type { CommandContext } from '../context';
import { showFailure } from '../operations';
import * as vscode from 'vscode';

export async function refresh(ctx: CommandContext): Promise<number> {
  if (ctx.client.state.kind !== 'running') {
    try {
      await ctx.client.start();
    } catch (e) {
      showFailure(ctx, vscode.l10n.t('Starting the helper'), e);
      return 0;
    }
  }
  await ctx.model.refresh();
  if (ctx.model.lastError) {
    showFailure(ctx, vscode.l10n.t('Refreshing'), ctx.model.lastError);
  }
  return ctx.model.all().length;
}

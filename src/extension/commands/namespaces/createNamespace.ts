// netns.createNamespace
//   ()                         asks for the name (checked as it is typed)
//   ('ns1') or ({ name: 'ns1' })   creates ns1 without asking
// Returns the name created, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { askNamespaceName } from '../pickers';

export async function createNamespace(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  let name: string | undefined;
  if (typeof arg === 'string') {
    name = arg;
  } else if (typeof arg === 'object' && arg !== null && !('kind' in arg) && typeof (arg as { name?: unknown }).name === 'string') {
    name = (arg as { name: string }).name;
  } else {
    await ctx.model.ensureFresh();
    name = await askNamespaceName(ctx, vscode.l10n.t('Create Network Namespace'));
    if (name === undefined) {
      return undefined;
    }
  }
  const created = name;
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Creating namespace {0}', created),
    () => request(ctx, 'addNetns', { name: created }),
    { names: true },
  );
  return result?.name;
}

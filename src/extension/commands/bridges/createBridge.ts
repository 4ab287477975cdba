// netns.createBridge (and, through createSimpleLink, netns.createDummyInterface)
//   (namespaceNode)          in that namespace; asks the name
//   ({ netns, name })        creates without asking (netns null: the host)
//   ()                       asks the namespace (the host included), then the name
// `ip [-n NS] link add name X type bridge` (or dummy). Returns { netns, name } as created, or
// undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../../core/model';
import { netnsDisplayName } from '../../labels';
import type { InterfaceRef } from '../../model/argGuards';
import { isInterfaceRef } from '../../model/argGuards';
import type { CommandContext } from '../context';
import { toNetnsRef } from '../args';
import { request, runOperation } from '../operations';
import { askInterfaceName, pickNamespace } from '../pickers';

/** The namespace a create command was called on (a node, a name, null), or undefined to ask. */
export async function namespaceFor(ctx: CommandContext, arg: unknown, title: string, placeHolder: string): Promise<NetnsRef | undefined> {
  const given = arg === undefined ? undefined : toNetnsRef(arg);
  if (given !== undefined) {
    await ctx.model.ensureFresh();
    return given;
  }
  const picked = await pickNamespace(ctx, { title, placeHolder });
  return picked && 'netns' in picked ? picked.netns : undefined;
}

export async function createSimpleLink(ctx: CommandContext, kind: 'bridge' | 'dummy', arg: unknown): Promise<InterfaceRef | undefined> {
  const title = kind === 'bridge' ? vscode.l10n.t('Create Bridge') : vscode.l10n.t('Create Dummy Interface');
  let ref: InterfaceRef;
  if (isInterfaceRef(arg) && typeof arg === 'object' && !('kind' in arg)) {
    ref = { netns: arg.netns, name: arg.name };
  } else {
    const netns = await namespaceFor(ctx, arg, title, kind === 'bridge' ? vscode.l10n.t('Where should the bridge go?') : vscode.l10n.t('Where should the dummy interface go?'));
    if (netns === undefined) {
      return undefined;
    }
    const name = await askInterfaceName(ctx, {
      title,
      prompt: kind === 'bridge' ? vscode.l10n.t('Name of the new bridge in {0}', netnsDisplayName(netns)) : vscode.l10n.t('Name of the new dummy interface in {0}', netnsDisplayName(netns)),
      netns,
      placeHolder: kind === 'bridge' ? 'br0' : 'dummy0',
    });
    if (name === undefined) {
      return undefined;
    }
    ref = { netns, name };
  }
  const done = await runOperation(
    ctx,
    kind === 'bridge' ? vscode.l10n.t('Creating bridge {0}', ref.name) : vscode.l10n.t('Creating dummy interface {0}', ref.name),
    () => request(ctx, 'addLink', { netns: ref.netns, name: ref.name, kind }),
    { netns: [ref.netns] },
  );
  return done ? ref : undefined;
}

export function createBridge(ctx: CommandContext, arg?: unknown): Promise<InterfaceRef | undefined> {
  return createSimpleLink(ctx, 'bridge', arg);
}

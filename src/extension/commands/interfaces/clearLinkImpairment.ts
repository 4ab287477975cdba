// netns.clearLinkImpairment
//   (interfaceNode) | ({ netns, name })   removes its netem qdisc
//   ()                                    asks which interface (those with an impairment)
// Returns the interface, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { InterfaceRef } from '../../model/argGuards';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

export async function clearLinkImpairment(ctx: CommandContext, arg?: unknown): Promise<InterfaceRef | undefined> {
  const title = vscode.l10n.t('Clear Link Impairment');
  const ref =
    toInterfaceRef(arg) ??
    (await pickInterface(ctx, title, (_kind, _up, _addresses, iface) => iface.netem !== undefined));
  if (!ref) {
    return undefined;
  }
  const done = await runOperation(
    ctx,
    vscode.l10n.t('Clearing the link impairment of {0}', ref.name),
    () => request(ctx, 'clearNetem', { netns: ref.netns, name: ref.name }),
    { netns: [ref.netns] },
  );
  return done ? ref : undefined;
}

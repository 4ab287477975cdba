// netns.setInterfaceUp / netns.setInterfaceDown
//   (interfaceNode, selectedNodes) | ({ netns, name }) | ([{ netns, name }, ...])
//   ()                             asks which interface (those not already in that state)
// Returns the interfaces changed, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { affectedNamespaces } from '../../model/affectedNamespaces';
import type { InterfaceRef } from '../../model/argGuards';
import { interfaceArgs } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

export function setInterfaceUp(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<InterfaceRef[] | undefined> {
  return setState(ctx, true, arg, selected);
}

export function setInterfaceDown(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<InterfaceRef[] | undefined> {
  return setState(ctx, false, arg, selected);
}

async function setState(ctx: CommandContext, up: boolean, arg: unknown, selected: unknown): Promise<InterfaceRef[] | undefined> {
  let refs = interfaceArgs(arg, selected);
  if (refs === undefined || refs.length === 0) {
    const one = await pickInterface(
      ctx,
      up ? vscode.l10n.t('Set Interface Up') : vscode.l10n.t('Set Interface Down'),
      (_kind, isUp) => isUp !== up,
    );
    if (!one) {
      return undefined;
    }
    refs = [one];
  }
  const list = refs;
  const title =
    list.length === 1
      ? up
        ? vscode.l10n.t('Setting {0} up', list[0].name)
        : vscode.l10n.t('Setting {0} down', list[0].name)
      : up
        ? vscode.l10n.t('Setting {0} interfaces up', list.length)
        : vscode.l10n.t('Setting {0} interfaces down', list.length);
  return runOperation(
    ctx,
    title,
    (report) =>
      eachItem(
        list,
        (r) => r.name,
        async (r) => {
          await request(ctx, 'setLinkState', { netns: r.netns, name: r.name, up });
          return r;
        },
        report,
      ),
    { netns: affectedNamespaces(ctx.model, list) },
  );
}

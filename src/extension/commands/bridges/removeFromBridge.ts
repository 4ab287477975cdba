// netns.removeFromBridge: releases ports from their bridge (`ip [-n NS] link set dev X nomaster`).
//   (portNode, selectedNodes) | ({ netns, name } | [...])   those ports
//   ()                                                      asks which port, among every bridge's
// Returns the ports released, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { netnsDisplayName } from '../../labels';
import type { InterfaceRef } from '../../model/argGuards';
import { findInterface } from '../../model/findInterface';
import { interfaceArgs } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';

interface PortItem extends vscode.QuickPickItem {
  ref: InterfaceRef;
}

export async function removeFromBridge(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<InterfaceRef[] | undefined> {
  let refs = interfaceArgs(arg, selected);
  if (refs === undefined || refs.length === 0) {
    await ctx.model.ensureFresh();
    const items: PortItem[] = [];
    for (const ns of ctx.model.all()) {
      for (const i of ns.interfaces) {
        const master = i.master !== undefined ? findInterface(ns, i.master) : undefined;
        if (master?.kind === 'bridge') {
          items.push({ label: i.name, description: vscode.l10n.t('port of {0} in {1}', master.name, netnsDisplayName(ns.name)), ref: { netns: ns.name, name: i.name } });
        }
      }
    }
    if (items.length === 0) {
      void ctx.host.showInformationMessage(vscode.l10n.t('No interface is a bridge port.'));
      return undefined;
    }
    const picked = await ctx.host.showQuickPick(items, { title: vscode.l10n.t('Remove from Bridge'), placeHolder: vscode.l10n.t('Which port should leave its bridge?') });
    if (!picked) {
      return undefined;
    }
    refs = [picked.ref];
  }
  const list = refs;
  return runOperation(
    ctx,
    list.length === 1 ? vscode.l10n.t('Removing {0} from its bridge', list[0].name) : vscode.l10n.t('Removing {0} interfaces from their bridges', list.length),
    (report) =>
      eachItem(
        list,
        (r) => r.name,
        async (r) => {
          await request(ctx, 'setMaster', { netns: r.netns, name: r.name, master: null });
          return r;
        },
        report,
      ),
    { netns: [...new Set(list.map((r) => r.netns))] },
  );
}

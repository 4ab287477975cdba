// netns.deleteInterface
//   (interfaceNode, selectedNodes) | ({ netns, name }) | ([{ netns, name }, ...])
//   ()                             asks which interface
// Confirms in a modal dialog (through the Host); a veth's peer goes with it, which is said, and a
// bridge's ports are released (not deleted), which is said too.
// Returns the interfaces deleted, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { netnsDisplayName } from '../../labels';
import { affectedNamespaces } from '../../model/affectedNamespaces';
import type { InterfaceRef } from '../../model/argGuards';
import { findInterface } from '../../model/findInterface';
import { interfaceArgs } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

export async function deleteInterface(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<InterfaceRef[] | undefined> {
  let refs = interfaceArgs(arg, selected);
  if (refs === undefined || refs.length === 0) {
    const one = await pickInterface(ctx, vscode.l10n.t('Delete Interface'), (kind) => kind !== 'loopback');
    if (!one) {
      return undefined;
    }
    refs = [one];
  }
  const list = refs;
  const peers: string[] = [];
  for (const r of list) {
    const peer = findInterface(ctx.model.get(r.netns), r.name)?.peer;
    if (peer?.name !== undefined && !list.some((x) => x.name === peer.name && x.netns === peer.netns)) {
      peers.push(peer.netns !== undefined ? vscode.l10n.t('{0} in {1}', peer.name, netnsDisplayName(peer.netns)) : peer.name);
    }
  }
  const message =
    list.length === 1
      ? vscode.l10n.t('Delete interface "{0}" in {1}?', list[0].name, netnsDisplayName(list[0].netns))
      : vscode.l10n.t('Delete {0} interfaces ({1})?', list.length, list.map((r) => r.name).join(', '));
  const details: string[] = [];
  if (peers.length > 0) {
    details.push(vscode.l10n.t('The other end of each veth is deleted with it: {0}.', peers.join(', ')));
  }
  for (const r of list) {
    const ns = ctx.model.get(r.netns);
    if (findInterface(ns, r.name)?.kind !== 'bridge') {
      continue;
    }
    const ports = (ns?.interfaces ?? []).filter((i) => i.master === r.name && !list.some((x) => x.netns === r.netns && x.name === i.name)).map((i) => i.name);
    if (ports.length === 1) {
      details.push(vscode.l10n.t('{0}\'s port {1} is released from the bridge, not deleted.', r.name, ports[0]));
    } else if (ports.length > 1) {
      details.push(vscode.l10n.t('{0}\'s {1} ports are released from the bridge, not deleted: {2}.', r.name, ports.length, ports.join(', ')));
    }
  }
  const detail = details.length > 0 ? details.join(' ') : undefined;
  const deleteButton = vscode.l10n.t('Delete');
  if ((await ctx.host.showWarningMessage(message, { modal: true, detail }, deleteButton)) !== deleteButton) {
    return undefined;
  }
  const affected = affectedNamespaces(ctx.model, list);
  return runOperation(
    ctx,
    list.length === 1 ? vscode.l10n.t('Deleting {0}', list[0].name) : vscode.l10n.t('Deleting {0} interfaces', list.length),
    (report) =>
      eachItem(
        list,
        (r) => r.name,
        async (r) => {
          await request(ctx, 'delLink', { netns: r.netns, name: r.name });
          return r;
        },
        report,
      ),
    { netns: affected },
  );
}

// netns.revealInterface ({ netns, name }): selects and shows that interface in the view (the
// tooltip's "peer" link uses it). netns.revealPeer (interfaceNode | { netns, name }): reveals the
// other end of a veth. Both return true when the interface was found.

import * as vscode from 'vscode';
import type { InterfaceRef } from '../../model/argGuards';
import { findInterface } from '../../model/findInterface';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { TreeNode } from '../../tree/nodes';
import type { CommandContext } from '../context';

export async function revealInterface(ctx: CommandContext, view: vscode.TreeView<TreeNode>, arg?: unknown): Promise<boolean> {
  const ref = toInterfaceRef(arg);
  if (!ref) {
    return false;
  }
  let node = ctx.tree.interfaceNode(ref.netns, ref.name);
  if (!node) {
    await ctx.model.refresh();
    node = ctx.tree.interfaceNode(ref.netns, ref.name);
  }
  if (!node) {
    void ctx.host.showInformationMessage(vscode.l10n.t('{0} is no longer there. The view has been refreshed.', ref.name));
    return false;
  }
  await view.reveal(node, { select: true, focus: true, expand: false });
  return true;
}

export async function revealPeer(ctx: CommandContext, view: vscode.TreeView<TreeNode>, arg?: unknown): Promise<boolean> {
  const ref = toInterfaceRef(arg);
  const peer = ref ? findInterface(ctx.model.get(ref.netns), ref.name)?.peer : undefined;
  if (!peer || peer.name === undefined || peer.netns === undefined) {
    void ctx.host.showInformationMessage(vscode.l10n.t('The other end of this veth is in a namespace without a name, or could not be found.'));
    return false;
  }
  const target: InterfaceRef = { netns: peer.netns, name: peer.name };
  return revealInterface(ctx, view, target);
}

// netns.createVethPair
//   ()                 asks where each end goes (namespaces including the host) and its name
//                      (empty = an automatic name)
//   (namespaceNode)    the first end goes into that namespace; asks the rest
//   ({ name?, peer?, netns?, peerNetns? })   creates without asking: missing names are chosen
//                      automatically, a missing namespace means the host
// Returns { name, peer, netns, peerNetns } as created, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../../core/model';
import type { Params, Result } from '../../../core/protocol';
import { netnsDisplayName } from '../../labels';
import { NamespaceNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { askInterfaceName, pickNamespace } from '../pickers';

function isPlainParams(v: unknown): v is Params<'addVeth'> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('kind' in v);
}

export async function createVethPair(ctx: CommandContext, arg?: unknown): Promise<Result<'addVeth'> | undefined> {
  let params: Params<'addVeth'>;
  if (isPlainParams(arg)) {
    params = {
      name: arg.name || undefined,
      peer: arg.peer || undefined,
      netns: arg.netns ?? null,
      peerNetns: arg.peerNetns ?? null,
    };
  } else {
    const asked = await ask(ctx, arg instanceof NamespaceNode ? arg.netns : undefined);
    if (!asked) {
      return undefined;
    }
    params = asked;
  }
  const p = params;
  return runOperation(
    ctx,
    vscode.l10n.t('Creating a veth pair'),
    () => request(ctx, 'addVeth', p),
    (r) => ({ netns: [r?.netns ?? p.netns ?? null, r?.peerNetns ?? p.peerNetns ?? null] }),
  );
}

async function ask(ctx: CommandContext, first: NetnsRef | undefined): Promise<Params<'addVeth'> | undefined> {
  const title = vscode.l10n.t('Create veth Pair');
  let netns = first;
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Where should the first end go?') });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    netns = picked.netns;
  } else {
    await ctx.model.ensureFresh();
  }
  const name = await askInterfaceName(ctx, {
    title,
    prompt: vscode.l10n.t('Name of the end in {0}', netnsDisplayName(netns)),
    netns,
    allowEmpty: true,
  });
  if (name === undefined) {
    return undefined;
  }
  const peerPick = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Where should the other end go?') });
  if (!peerPick || !('netns' in peerPick)) {
    return undefined;
  }
  const peerNetns = peerPick.netns;
  const peer = await askInterfaceName(ctx, {
    title,
    prompt: vscode.l10n.t('Name of the end in {0}', netnsDisplayName(peerNetns)),
    netns: peerNetns,
    allowEmpty: true,
    taken: peerNetns === netns && name ? [name] : [],
  });
  if (peer === undefined) {
    return undefined;
  }
  return { name: name || undefined, peer: peer || undefined, netns, peerNetns };
}

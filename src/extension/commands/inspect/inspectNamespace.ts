// netns.inspectNamespace, and one command per part: netns.showSockets, netns.showNeighbours,
// netns.showRoutingRules, netns.showFirewall, netns.showSysctls, netns.showNamespaceFiles
//   ()                                 asks for the namespace
//   (namespace, interface or "Listening" node, a name, null for the host, {netns})   inspects it
// Opens (or shows again) the read-only document of that namespace and part, syntax-coloured and
// read again while it is open. Returns the document, or undefined when cancelled.

import * as vscode from 'vscode';
import { partTitle } from '../../../core/inspect/format';
import type { NetnsRef } from '../../../core/model';
import { INSPECT_LANGUAGE, inspectUri, type InspectView } from '../../inspect/inspectUri';
import { netnsDisplayName } from '../../labels';
import { ListeningNode, SocketNode } from '../../tree/nodes';
import { toNetnsRef } from '../args';
import type { CommandContext } from '../context';
import { pickNamespace } from '../pickers';

function targetOf(arg: unknown): NetnsRef | undefined {
  if (arg instanceof ListeningNode) {
    return arg.parent.netns;
  }
  if (arg instanceof SocketNode) {
    return arg.parent.parent.netns;
  }
  return toNetnsRef(arg);
}

async function open(ctx: CommandContext, view: InspectView, arg: unknown): Promise<vscode.TextDocument | undefined> {
  let netns = targetOf(arg);
  const title = view === 'all' ? vscode.l10n.t('Inspect Namespace') : partTitle(view, null);
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Inspect which namespace?') });
    netns = picked && 'netns' in picked ? picked.netns : undefined;
  }
  if (netns === undefined) {
    return undefined;
  }
  const uri = inspectUri(netns, view);
  ctx.log.info(`inspect: ${netnsDisplayName(netns)} (${view})`);
  const doc = await ctx.host.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Inspecting {0}', netnsDisplayName(netns)) }, async () => {
    const d = await vscode.workspace.openTextDocument(uri);
    return d.languageId === INSPECT_LANGUAGE ? d : vscode.languages.setTextDocumentLanguage(d, INSPECT_LANGUAGE);
  });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export const inspectNamespace = (ctx: CommandContext, arg?: unknown) => open(ctx, 'all', arg);
export const showSockets = (ctx: CommandContext, arg?: unknown) => open(ctx, 'sockets', arg);
export const showNeighbours = (ctx: CommandContext, arg?: unknown) => open(ctx, 'neighbours', arg);
export const showRoutingRules = (ctx: CommandContext, arg?: unknown) => open(ctx, 'routes', arg);
export const showFirewall = (ctx: CommandContext, arg?: unknown) => open(ctx, 'firewall', arg);
export const showSysctls = (ctx: CommandContext, arg?: unknown) => open(ctx, 'sysctls', arg);
export const showNamespaceFiles = (ctx: CommandContext, arg?: unknown) => open(ctx, 'files', arg);

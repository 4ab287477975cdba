// netns.copyIpCommand: copies the iproute2 command for the selected object to the clipboard.
//   (namespaceNode | interfaceNode | unnamedNamespaceNode | routesNode | routeNode)
//                    offers the commands that fit it
//   ('ns1' | null | { netns }) a namespace, ({ netns, name }) an interface, ({ pid }) a process's
//   (target, kind)   copies that kind without asking: namespace exec|show|add|delete,
//                    (and forwarding), host show|link|forwarding, interface
//                    link|address|up|down|veth|recreate|ports|nomaster|netem|clearNetem|delete,
//                    process namespace nsenter|attach, routes routes|routes6,
//                    route routeAdd|routeDelete
//   ()               asks for a namespace
// Returns the command copied, or undefined when cancelled.

import * as vscode from 'vscode';
import { findInterface } from '../../model/findInterface';
import { toInterfaceRef } from '../../tree/nodeRefs';
import { InterfaceNode, NamespaceNode, RouteNode, RoutesNode, UnnamedNamespaceNode } from '../../tree/nodes';
import { delRouteParams } from '../routes/deleteRoute';
import { pidArg, toNetnsRef } from '../args';
import type { CommandContext } from '../context';
import { pickNamespace } from '../pickers';
import {
  interfaceCommands,
  namespaceCommands,
  processNamespaceCommands,
  routeCommands,
  routesCommands,
  type IpCommandChoice,
  type IpCommandKind,
} from './ipCommands';

const DESCRIPTIONS: Record<IpCommandKind, () => string> = {
  exec: () => vscode.l10n.t('Run a shell inside the namespace'),
  show: () => vscode.l10n.t('Show interfaces and addresses'),
  add: () => vscode.l10n.t('Create the namespace'),
  delete: () => vscode.l10n.t('Delete it'),
  link: () => vscode.l10n.t('Show the link'),
  address: () => vscode.l10n.t('Show its addresses'),
  up: () => vscode.l10n.t('Set it up'),
  down: () => vscode.l10n.t('Set it down'),
  veth: () => vscode.l10n.t('Create this veth pair again'),
  recreate: () => vscode.l10n.t('Create this interface again'),
  ports: () => vscode.l10n.t('Show the bridge\'s ports'),
  nomaster: () => vscode.l10n.t('Release it from its bridge'),
  nsenter: () => vscode.l10n.t('Run a shell inside the namespace'),
  attach: () => vscode.l10n.t('Give the namespace a name'),
  routes: () => vscode.l10n.t('Show the IPv4 routes'),
  routes6: () => vscode.l10n.t('Show the IPv6 routes'),
  routeAdd: () => vscode.l10n.t('Add this route again'),
  routeDelete: () => vscode.l10n.t('Delete the route'),
  forwarding: () => vscode.l10n.t('Switch IPv4 forwarding'),
  netem: () => vscode.l10n.t('Set this link impairment again'),
  clearNetem: () => vscode.l10n.t('Clear the link impairment'),
};

export async function copyIpCommand(ctx: CommandContext, arg?: unknown, kindArg?: unknown): Promise<string | undefined> {
  const choices = await choicesFor(ctx, arg);
  if (!choices || choices.length === 0) {
    return undefined;
  }
  let choice: IpCommandChoice | undefined;
  if (typeof kindArg === 'string') {
    choice = choices.find((c) => c.kind === kindArg);
    if (!choice) {
      return undefined;
    }
  } else if (choices.length === 1) {
    choice = choices[0];
  } else {
    const picked = await ctx.host.showQuickPick(
      choices.map((c) => ({ label: c.command, description: DESCRIPTIONS[c.kind](), choice: c })),
      { title: vscode.l10n.t('Copy ip Command'), placeHolder: vscode.l10n.t('Choose the command to copy') },
    );
    choice = picked?.choice;
  }
  if (!choice) {
    return undefined;
  }
  await ctx.host.clipboard.writeText(choice.command);
  void ctx.host.showInformationMessage(vscode.l10n.t('Copied: {0}', choice.command));
  return choice.command;
}

async function choicesFor(ctx: CommandContext, arg: unknown): Promise<IpCommandChoice[] | undefined> {
  if (arg instanceof RouteNode) {
    return routeCommands(delRouteParams(arg.netns, arg.route), arg.route);
  }
  if (arg instanceof RoutesNode) {
    return routesCommands(arg.parent.netns);
  }
  if (arg instanceof UnnamedNamespaceNode || (typeof arg === 'object' && arg !== null && 'pid' in arg)) {
    const pid = pidArg(arg, (inode) => ctx.model.processesOf(inode)?.processes);
    return pid === undefined ? undefined : processNamespaceCommands(pid);
  }
  const iref = arg instanceof InterfaceNode ? { netns: arg.netns, name: arg.name } : toInterfaceRef(arg);
  if (iref) {
    const iface = arg instanceof InterfaceNode ? arg.iface : findInterface(ctx.model.get(iref.netns), iref.name);
    const ns = ctx.model.get(iref.netns);
    const parent = iface?.linkIfindex !== undefined ? ns?.interfaces.find((i) => i.ifindex === iface.linkIfindex)?.name : undefined;
    return interfaceCommands(iref.netns, iface ?? { name: iref.name, kind: '', flags: [] }, parent);
  }
  let netns = arg instanceof NamespaceNode ? arg.netns : toNetnsRef(arg);
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, {
      title: vscode.l10n.t('Copy ip Command'),
      placeHolder: vscode.l10n.t('Choose a namespace'),
    });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    netns = picked.netns;
  }
  return namespaceCommands(netns, ctx.model.get(netns));
}

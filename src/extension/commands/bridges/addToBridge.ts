// netns.addToBridge: makes interfaces ports of a bridge in their namespace.
//   (bridgeNode)                         asks which interface of the bridge's namespace to add
//   (interfaceNode, selectedNodes)       asks which bridge of their namespace takes them
//   ({ netns, name } | [...], { bridge: 'br0' })   without asking
//   ()                                   asks the bridge (any namespace), then the interface
// `ip [-n NS] link set dev X master BR`. Drag and drop onto a bridge row uses attachToBridge,
// which first moves interfaces from other namespaces into the bridge's (and moves one back if
// the kernel then refuses it as a port). Returns { bridge, ports } as done, or undefined.

import * as vscode from 'vscode';
import type { Interface } from '../../../core/model';
import { netnsDisplayName } from '../../labels';
import type { InterfaceRef } from '../../model/argGuards';
import { InterfaceNode } from '../../tree/nodes';
import { interfaceArgs } from '../args';
import type { CommandContext } from '../context';
import { errorMessage, eachItem, request, runOperation } from '../operations';

export interface AttachResult {
  bridge: InterfaceRef;
  ports: string[];
}

interface RefItem extends vscode.QuickPickItem {
  ref: InterfaceRef;
}

const canBePort = (i: Interface, bridge: string) => i.kind !== 'loopback' && i.kind !== 'bridge' && i.master !== bridge;

function bridgeArg(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { bridge?: unknown }).bridge === 'string'
    ? (v as { bridge: string }).bridge
    : undefined;
}

async function pickBridge(ctx: CommandContext, title: string, only: InterfaceRef[] | undefined): Promise<InterfaceRef | undefined> {
  await ctx.model.ensureFresh();
  const netns = only?.[0]?.netns;
  const items: RefItem[] = [];
  for (const ns of ctx.model.all()) {
    if (only && ns.name !== netns) {
      continue;
    }
    for (const b of ns.interfaces.filter((i) => i.kind === 'bridge')) {
      const ports = ns.interfaces.filter((i) => i.master === b.name).map((i) => i.name);
      items.push({
        label: b.name,
        description: netnsDisplayName(ns.name),
        detail: ports.length ? vscode.l10n.t('ports: {0}', ports.join(', ')) : vscode.l10n.t('no ports yet'),
        iconPath: new vscode.ThemeIcon('type-hierarchy-sub'),
        ref: { netns: ns.name, name: b.name },
      });
    }
  }
  if (items.length === 0) {
    void ctx.host.showInformationMessage(
      only
        ? vscode.l10n.t('There is no bridge in {0}. Create one first (Create Bridge...): a port and its bridge must be in the same namespace.', netnsDisplayName(netns ?? null))
        : vscode.l10n.t('There is no bridge yet. Create one first (Create Bridge...).'),
    );
    return undefined;
  }
  const picked = await ctx.host.showQuickPick(items, {
    title,
    placeHolder: only && only.length === 1 ? vscode.l10n.t('Which bridge should {0} join?', only[0].name) : vscode.l10n.t('Choose a bridge'),
    matchOnDescription: true,
  });
  return picked?.ref;
}

async function pickPort(ctx: CommandContext, title: string, bridge: InterfaceRef): Promise<InterfaceRef | undefined> {
  const ns = ctx.model.get(bridge.netns);
  const items: RefItem[] = (ns?.interfaces ?? [])
    .filter((i) => canBePort(i, bridge.name))
    .map((i) => ({
      label: i.name,
      description: i.master ? vscode.l10n.t('{0}, now a port of {1}', i.kind, i.master) : i.kind,
      ref: { netns: bridge.netns, name: i.name },
    }));
  if (items.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('{0} has no interface that could join {1}. Move one there or create one first.', netnsDisplayName(bridge.netns), bridge.name));
    return undefined;
  }
  const picked = await ctx.host.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Which interface of {0} should join {1}?', netnsDisplayName(bridge.netns), bridge.name),
  });
  return picked?.ref;
}

export async function addToBridge(ctx: CommandContext, arg?: unknown, second?: unknown): Promise<AttachResult | undefined> {
  const title = vscode.l10n.t('Add Interface to Bridge');
  let bridge: InterfaceRef | undefined;
  let refs: InterfaceRef[] | undefined;
  const named = bridgeArg(second);
  if (arg instanceof InterfaceNode && arg.iface.kind === 'bridge') {
    bridge = { netns: arg.netns, name: arg.name };
  } else {
    refs = interfaceArgs(arg, second);
    if (refs !== undefined && refs.length > 0 && named !== undefined) {
      bridge = { netns: refs[0].netns, name: named };
    }
  }
  if (!bridge) {
    if (refs && refs.length > 0 && new Set(refs.map((r) => r.netns)).size > 1) {
      void ctx.host.showInformationMessage(vscode.l10n.t('These interfaces are in different namespaces; a bridge takes ports from its own namespace only. Choose interfaces of one namespace.'));
      return undefined;
    }
    bridge = await pickBridge(ctx, title, refs && refs.length > 0 ? refs : undefined);
    if (!bridge) {
      return undefined;
    }
  } else {
    await ctx.model.ensureFresh();
  }
  if (!refs || refs.length === 0) {
    const one = await pickPort(ctx, title, bridge);
    if (!one) {
      return undefined;
    }
    refs = [one];
  }
  return attachToBridge(ctx, refs, bridge);
}

/**
 * Makes each interface a port of `bridge`. One in another namespace is moved into the bridge's
 * first; if the kernel then refuses it as a port, it is moved back, so a failed drop changes nothing.
 */
export async function attachToBridge(ctx: CommandContext, refs: InterfaceRef[], bridge: InterfaceRef): Promise<AttachResult | undefined> {
  const todo = refs.filter((r) => !(r.netns === bridge.netns && r.name === bridge.name));
  if (todo.length === 0) {
    return { bridge, ports: [] };
  }
  const title =
    todo.length === 1
      ? vscode.l10n.t('Adding {0} to bridge {1}', todo[0].name, bridge.name)
      : vscode.l10n.t('Adding {0} interfaces to bridge {1}', todo.length, bridge.name);
  const affected = [...new Set([bridge.netns, ...todo.map((r) => r.netns)])];
  const ports = await runOperation(
    ctx,
    title,
    (report) =>
      eachItem(
        todo,
        (r) => r.name,
        async (r) => {
          const moved = r.netns !== bridge.netns;
          if (moved) {
            await request(ctx, 'moveLink', { name: r.name, from: r.netns, to: bridge.netns });
          }
          try {
            await request(ctx, 'setMaster', { netns: bridge.netns, name: r.name, master: bridge.name });
          } catch (e) {
            if (moved) {
              try {
                await request(ctx, 'moveLink', { name: r.name, from: bridge.netns, to: r.netns });
              } catch (back) {
                throw new Error(
                  vscode.l10n.t('{0} (and moving {1} back to {2} failed too: {3})', errorMessage(e), r.name, netnsDisplayName(r.netns), errorMessage(back)),
                  { cause: back },
                );
              }
            }
            throw e;
          }
          return r.name;
        },
        report,
      ),
    { netns: affected },
  );
  return ports ? { bridge, ports } : undefined;
}

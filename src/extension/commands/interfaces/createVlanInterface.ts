// netns.createVlanInterface
//   (interfaceNode)            a VLAN on that interface; asks the id and the name
//   (namespaceNode)            asks the parent among the namespace's interfaces, the id, the name
//   ({ netns, parent, vlanId, name? })   creates without asking; the name defaults to PARENT.ID
//   ()                         asks the parent among every namespace's interfaces, the id, the name
// `ip [-n NS] link add link PARENT name NAME type vlan id ID`: the VLAN is made in its parent's
// namespace. The suggested name is PARENT.ID when that is a valid interface name (at most 15
// bytes), else vlanID. Returns { netns, name } as created, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { Interface, NetnsRef } from '../../../core/model';
import { validateInterfaceName, validateVlanId } from '../../../core/validate';
import { netnsDisplayName } from '../../labels';
import type { InterfaceRef } from '../../model/argGuards';
import { isNetnsRef } from '../../model/argGuards';
import { findInterface } from '../../model/findInterface';
import { InterfaceNode, NamespaceNode } from '../../tree/nodes';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { askInterfaceName, pickInterface } from '../pickers';

interface VlanArgs {
  netns: NetnsRef;
  parent: string;
  vlanId: number;
  name?: string;
}

function isVlanArgs(v: unknown): v is VlanArgs {
  const o = v as Partial<VlanArgs>;
  return typeof v === 'object' && v !== null && !('kind' in v) && isNetnsRef(o.netns) && typeof o.parent === 'string' && typeof o.vlanId === 'number';
}

/** PARENT.ID when the kernel takes it as a name, else vlanID. */
export function suggestedVlanName(parent: string, vlanId: number): string {
  const dotted = `${parent}.${vlanId}`;
  return validateInterfaceName(dotted) === undefined ? dotted : `vlan${vlanId}`;
}

/** Interfaces that can carry a VLAN: anything but the loopback device. */
const carriesVlans = (i: Interface) => i.kind !== 'loopback';

export async function createVlanInterface(ctx: CommandContext, arg?: unknown): Promise<InterfaceRef | undefined> {
  const title = vscode.l10n.t('Create VLAN Interface');
  let args: VlanArgs;
  if (isVlanArgs(arg)) {
    args = { ...arg, name: arg.name || suggestedVlanName(arg.parent, arg.vlanId) };
  } else {
    let parent: InterfaceRef | undefined;
    if (arg instanceof InterfaceNode) {
      await ctx.model.ensureFresh();
      parent = { netns: arg.netns, name: arg.name };
    } else {
      parent = await pickInterface(ctx, title, (_kind, _up, _addresses, i) => carriesVlans(i), {
        netns: arg instanceof NamespaceNode ? arg.netns : undefined,
        placeHolder: vscode.l10n.t('Which interface carries the VLAN (its parent)?'),
      });
    }
    if (!parent) {
      return undefined;
    }
    const p = parent;
    const siblings = () => ctx.model.get(p.netns)?.interfaces ?? [];
    const parentIndex = findInterface(ctx.model.get(p.netns), p.name)?.ifindex;
    const idText = await ctx.host.showInputBox({
      title,
      prompt: vscode.l10n.t('VLAN id of the new interface on {0} (1 to 4094)', p.name),
      placeHolder: '10',
      validateInput: (v) => {
        const id = Number(v.trim());
        const problem = validateVlanId(v.trim() === '' ? NaN : id);
        if (problem) {
          return problem;
        }
        const same = siblings().find((i) => i.kind === 'vlan' && i.vlanId === id && i.linkIfindex === parentIndex);
        return same ? vscode.l10n.t('{0} already has VLAN {1}: {2}.', p.name, String(id), same.name) : undefined;
      },
    });
    if (idText === undefined) {
      return undefined;
    }
    const vlanId = Number(idText.trim());
    const name = await askInterfaceName(ctx, {
      title,
      prompt: vscode.l10n.t('Name of the VLAN interface in {0}', netnsDisplayName(p.netns)),
      netns: p.netns,
      value: suggestedVlanName(p.name, vlanId),
      placeHolder: suggestedVlanName(p.name, vlanId),
    });
    if (name === undefined) {
      return undefined;
    }
    args = { netns: p.netns, parent: p.name, vlanId, name };
  }
  const a = args as Required<VlanArgs>;
  const done = await runOperation(
    ctx,
    vscode.l10n.t('Creating VLAN {0} on {1}', String(a.vlanId), a.parent),
    () => request(ctx, 'addLink', { netns: a.netns, name: a.name, kind: 'vlan', parent: a.parent, vlanId: a.vlanId }),
    { netns: [a.netns] },
  );
  return done ? { netns: a.netns, name: a.name } : undefined;
}

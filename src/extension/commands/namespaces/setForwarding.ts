// netns.enableForwarding / netns.disableForwarding
//   (namespaceNode) | ('ns1' | null | { netns })   asks which families (IPv4 and IPv6 first)
//   (namespace, 4 | 6 | 'both')                    without asking
//   ()                                             asks which namespace, then the families
// Returns { netns, families, on }, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../../core/model';
import { netnsDisplayName } from '../../labels';
import { toNetnsRef } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { pickNamespace } from '../pickers';

export interface ForwardingResult {
  netns: NetnsRef;
  families: (4 | 6)[];
  on: boolean;
}

export function enableForwarding(ctx: CommandContext, arg?: unknown, familyArg?: unknown): Promise<ForwardingResult | undefined> {
  return setForwarding(ctx, true, arg, familyArg);
}

export function disableForwarding(ctx: CommandContext, arg?: unknown, familyArg?: unknown): Promise<ForwardingResult | undefined> {
  return setForwarding(ctx, false, arg, familyArg);
}

function familiesOf(v: unknown): (4 | 6)[] | undefined {
  return v === 4 || v === 6 ? [v] : v === 'both' ? [4, 6] : undefined;
}

async function setForwarding(ctx: CommandContext, on: boolean, arg: unknown, familyArg: unknown): Promise<ForwardingResult | undefined> {
  const title = on ? vscode.l10n.t('Enable IP Forwarding') : vscode.l10n.t('Disable IP Forwarding');
  let netns = toNetnsRef(arg);
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Choose a namespace') });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    netns = picked.netns;
  }
  let families = familiesOf(familyArg);
  if (!families) {
    const items: (vscode.QuickPickItem & { families: (4 | 6)[] })[] = [
      { label: vscode.l10n.t('IPv4 and IPv6'), description: 'net.ipv4.ip_forward, net.ipv6.conf.all.forwarding', families: [4, 6] },
      { label: vscode.l10n.t('IPv4 only'), description: 'net.ipv4.ip_forward', families: [4] },
      { label: vscode.l10n.t('IPv6 only'), description: 'net.ipv6.conf.all.forwarding', families: [6] },
    ];
    const picked = await ctx.host.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which forwarding to switch in {0}', netnsDisplayName(netns)) });
    if (!picked) {
      return undefined;
    }
    families = picked.families;
  }
  const target = netns;
  const list = families;
  const result = await runOperation(
    ctx,
    on ? vscode.l10n.t('Enabling forwarding in {0}', netnsDisplayName(target)) : vscode.l10n.t('Disabling forwarding in {0}', netnsDisplayName(target)),
    (report) =>
      eachItem(
        list,
        (family) => `IPv${family}`,
        (family) => request(ctx, 'setForwarding', { netns: target, family, on }),
        report,
      ),
    { netns: [target] },
  );
  return result ? { netns: target, families: list, on } : undefined;
}

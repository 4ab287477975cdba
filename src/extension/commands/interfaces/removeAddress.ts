// netns.removeAddress
//   (interfaceNode) | ({ netns, name })          asks which of its addresses (QuickPick)
//   ({ netns, name }, '10.0.0.1/24')             removes without asking
//   ()                                           asks which interface, then which address
// Returns the address removed, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { formatAddress } from '../../labels';
import { findInterface } from '../../model/findInterface';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

export async function removeAddress(ctx: CommandContext, arg?: unknown, addressArg?: unknown): Promise<string | undefined> {
  const title = vscode.l10n.t('Remove Address');
  const ref = toInterfaceRef(arg) ?? (await pickInterface(ctx, title, (_k, _u, n) => n > 0));
  if (!ref) {
    return undefined;
  }
  let address = typeof addressArg === 'string' ? addressArg.trim() : undefined;
  if (address === undefined) {
    await ctx.model.ensureFresh();
    const iface = findInterface(ctx.model.get(ref.netns), ref.name);
    const items = (iface?.addresses ?? []).map((a) => ({
      label: formatAddress(a),
      description: [a.family === 4 ? 'IPv4' : 'IPv6', a.scope].filter(Boolean).join(' · '),
    }));
    if (items.length === 0) {
      void ctx.host.showInformationMessage(vscode.l10n.t('{0} has no addresses.', ref.name));
      return undefined;
    }
    const picked = await ctx.host.showQuickPick(items, {
      title,
      placeHolder: vscode.l10n.t('Choose the address to remove from {0}', ref.name),
    });
    if (!picked) {
      return undefined;
    }
    address = picked.label;
  }
  const addr = address;
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Removing {0} from {1}', addr, ref.name),
    () => request(ctx, 'delAddress', { netns: ref.netns, name: ref.name, address: addr }),
    { netns: [ref.netns] },
  );
  return result ? addr : undefined;
}

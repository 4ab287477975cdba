// netns.addAddress
//   (interfaceNode) | ({ netns, name })          asks for the address (checked as it is typed)
//   ({ netns, name }, '10.0.0.1/24')             adds without asking
//   ()                                           asks which interface, then the address
// Returns the address added (as given), or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { parseCidr } from '../../../core/validate';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

export async function addAddress(ctx: CommandContext, arg?: unknown, addressArg?: unknown): Promise<string | undefined> {
  const title = vscode.l10n.t('Add Address');
  const ref = toInterfaceRef(arg) ?? (await pickInterface(ctx, title));
  if (!ref) {
    return undefined;
  }
  let address = typeof addressArg === 'string' ? addressArg : undefined;
  if (address === undefined) {
    address = await ctx.host.showInputBox({
      title,
      prompt: vscode.l10n.t('Address with prefix length to add to {0}', ref.name),
      placeHolder: '10.0.0.1/24',
      validateInput: (v) => {
        const r = parseCidr(v);
        return typeof r === 'string' ? r : undefined;
      },
    });
    if (address === undefined) {
      return undefined;
    }
  }
  const addr = address.trim();
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Adding {0} to {1}', addr, ref.name),
    () => request(ctx, 'addAddress', { netns: ref.netns, name: ref.name, address: addr }),
    { netns: [ref.netns] },
  );
  return result ? addr : undefined;
}

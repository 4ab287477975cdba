// netns.ping
//   ()                                   asks for the namespace to ping from, then the address
//   (namespace or interface node)        pings from its namespace; asks for the address
//   ({ netns: 'ns1', address: '10.0.0.2', count?: 3 })   pings without asking
// Only addresses that an interface of this host's namespaces has are offered (and allowed by the
// helper). Returns the helper's result, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { ownerOf } from '../../../core/diagnose/path';
import { neighbourTableReason } from '../../../core/diagnose/report';
import { netnsExecCommand } from '../../../core/ipCommand';
import type { NetnsRef } from '../../../core/model';
import type { Result } from '../../../core/operations';
import { netnsDisplayName } from '../../labels';
import { toNetnsRef } from '../args';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickNamespace } from '../pickers';

export async function pingAddress(ctx: CommandContext, arg?: unknown): Promise<Result<'ping'> | undefined> {
  const given = typeof arg === 'object' && arg !== null && 'address' in arg ? (arg as { netns: NetnsRef; address: string; count?: number }) : undefined;
  let from = given ? given.netns : toNetnsRef(arg);
  if (from === undefined) {
    const picked = await pickNamespace(ctx, { title: vscode.l10n.t('Ping'), placeHolder: vscode.l10n.t('Ping from which namespace?') });
    from = picked && 'netns' in picked ? picked.netns : undefined;
  }
  if (from === undefined) {
    return undefined;
  }
  const source = from;
  const address = given?.address ?? (await pickAddress(ctx, source));
  if (!address) {
    return undefined;
  }
  const count = given?.count ?? 3;
  ctx.log.info(`ping: ${netnsExecCommand(source, ['ping', '-c', String(count), address])}`);
  const title = vscode.l10n.t('Pinging {0} from {1}', address, netnsDisplayName(source));
  // The namespace the model has the address in: the helper reads that one to check it, not every namespace.
  const owner = ownerOf(ctx.model.all(), address);
  const result = await runOperation(ctx, title, () => request(ctx, 'ping', { netns: source, address, count, ...(owner ? { addressIn: owner.ns.name } : {}) }), {});
  if (!result) {
    return undefined;
  }
  const where = `${result.target.name} (${netnsDisplayName(result.target.netns)})`;
  if (result.received > 0) {
    ctx.learn.pinged();
    const rtt = result.rttMs.length > 0 ? Math.min(...result.rttMs).toFixed(3) + '/' + Math.max(...result.rttMs).toFixed(3) : '-';
    ctx.log.info(`ping ${address} from ${netnsDisplayName(source)}: ${result.received}/${result.transmitted} replies, rtt min/max ${rtt} ms`);
    void ctx.host.showInformationMessage(
      vscode.l10n.t('{0} → {1} on {2}: {3} of {4} replies, round trip {5} ms.', netnsDisplayName(source), address, where, result.received, result.transmitted, rtt),
    );
  } else {
    ctx.log.warn(`ping ${address} from ${netnsDisplayName(source)}: no replies of ${result.transmitted}`);
    void ctx.host.showWarningMessage(
      vscode.l10n.t('{0} → {1} on {2}: no replies to {3} echo requests.', netnsDisplayName(source), address, where, result.transmitted),
      {
        detail: result.neighbourTableFull
          ? neighbourTableReason(result.neighbourTableFull)
          : vscode.l10n.t('Check that both ends are up, have addresses in a common subnet or a route to each other, and that a router between them forwards.'),
      },
    );
  }
  return result;
}

/** The addresses the view knows, those of other namespaces first. */
async function pickAddress(ctx: CommandContext, from: NetnsRef): Promise<string | undefined> {
  await ctx.model.ensureFresh();
  const items = ctx.model
    .all()
    .flatMap((ns) =>
      ns.interfaces
        .filter((i) => i.kind !== 'loopback')
        .flatMap((i) =>
          i.addresses
            .filter((a) => a.scope !== 'link')
            .map((a) => ({ label: a.address, description: `${i.name} (${netnsDisplayName(ns.name)})`, address: a.address, other: ns.name !== from, family: a.family })),
        ),
    )
    .sort((a, b) => Number(b.other) - Number(a.other) || a.family - b.family);
  if (items.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('No interface has an address yet. Add one first (Add Address on an interface).'));
    return undefined;
  }
  return (await ctx.host.showQuickPick(items, { title: vscode.l10n.t('Ping from {0}', netnsDisplayName(from)), placeHolder: vscode.l10n.t('Address to ping') }))?.address;
}

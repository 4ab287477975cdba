// netns.checkConnectivity
//   ()                                  asks for the source (a namespace or an interface), then the target
//   (namespace or interface node)       from that row; asks for the target
//   ({ from: { netns, name? }, to: '10.0.2.2' | { netns } | { netns, name }, count? })   without asking
// Reads the namespaces again, works out from the model the way there and back (src/core/diagnose),
// pings from inside the source namespace (only addresses of this host's namespaces), shows the
// outcome with the first reason it fails, writes the whole way and every finding to the log, and
// marks the rows on the way in the tree. Returns what it found, or undefined when cancelled.

import * as vscode from 'vscode';
import { netnsExecCommand } from '../../../core/ipCommand';
import { analyze, ownerOf, usableAddresses, type Analysis } from '../../../core/diagnose/path';
import { analysisLines, firstReason, neighbourTableReason, rttText } from '../../../core/diagnose/report';
import { analyzeTarget, type CheckTarget } from '../../../core/diagnose/targets';
import type { NetnsRef } from '../../../core/model';
import type { PingResult } from '../../../core/operations';
import { isIPv4, isIPv6 } from '../../../core/validate';
import type { RowMark } from '../../diagnose/checkMarks';
import { netnsDisplayName } from '../../labels';
import { isTreeNode, toInterfaceRef } from '../../tree/nodeRefs';
import { toNetnsRef } from '../args';
import type { CommandContext } from '../context';
import { errorMessage, request } from '../operations';

export interface CheckSource {
  netns: NetnsRef;
  name?: string;
}

export interface CheckResult {
  analysis: Analysis;
  ping?: PingResult;
  /** Why the ping could not be sent, when it could not. */
  pingError?: string;
  /** The notification's text. */
  message: string;
  marks: RowMark[];
}

interface CheckArgs {
  from: CheckSource;
  to: string | { netns: NetnsRef; name?: string };
  count?: number;
}

const isCheckArgs = (v: unknown): v is CheckArgs => typeof v === 'object' && v !== null && !isTreeNode(v) && 'from' in v && 'to' in v;

/** "veth-a in ns1", or "ns1". */
export function sourceText(s: CheckSource): string {
  return s.name !== undefined ? vscode.l10n.t('{0} in {1}', s.name, netnsDisplayName(s.netns)) : netnsDisplayName(s.netns);
}

export async function checkConnectivity(ctx: CommandContext, arg?: unknown): Promise<CheckResult | undefined> {
  let source: CheckSource | undefined;
  let target: CheckTarget | undefined;
  let count = 3;
  if (isCheckArgs(arg)) {
    source = arg.from;
    target = typeof arg.to === 'string' ? { kind: 'address', address: arg.to } : arg.to.name !== undefined ? { kind: 'interface', netns: arg.to.netns, name: arg.to.name } : { kind: 'namespace', netns: arg.to.netns };
    count = arg.count ?? count;
  } else if (arg !== undefined) {
    const i = toInterfaceRef(arg);
    const n = i ? undefined : toNetnsRef(arg);
    source = i ?? (n !== undefined ? { netns: n } : undefined);
  }
  await ctx.model.ensureFresh();
  source ??= await pickSource(ctx);
  if (!source) {
    return undefined;
  }
  target ??= await pickTarget(ctx, source);
  if (!target) {
    return undefined;
  }
  const from = source;
  const to = target;
  const title = vscode.l10n.t('Checking connectivity from {0}', sourceText(from));
  const end = ctx.status.begin(title);
  let analysis: Analysis | undefined;
  let ping: PingResult | undefined;
  let pingError: string | undefined;
  try {
    await ctx.host.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async (progress) => {
      // What the kernel has now, not what the view last drew.
      await ctx.model.refresh();
      analysis = analyzeTarget(ctx.model.all(), from, to);
      if (!analysis) {
        return;
      }
      const a = analysis;
      progress.report({ message: a.target.address });
      const owner = ownerOf(ctx.model.all(), a.target.address);
      if (!owner) {
        pingError = vscode.l10n.t('{0} is not an address of any namespace on this machine, so no ping was sent.', a.target.address);
        return;
      }
      const sourceAddress = from.name !== undefined ? a.source.address : undefined;
      ctx.log.info(`ping: ${netnsExecCommand(from.netns, ['ping', '-c', String(count), ...(sourceAddress ? ['-I', sourceAddress] : []), a.target.address])}`);
      try {
        ping = await request(ctx, 'ping', { netns: from.netns, address: a.target.address, count, addressIn: owner.ns.name, ...(sourceAddress ? { source: sourceAddress } : {}) });
      } catch (e) {
        pingError = errorMessage(e);
      }
      if ((ping?.received ?? 0) > 0 !== a.reachable) {
        // The ping and the model disagree: read again (a link's state settles a moment after it changed).
        await ctx.model.refresh();
        analysis = analyze(ctx.model.all(), { source: from, address: a.target.address });
      }
    });
  } finally {
    end();
  }
  if (!analysis) {
    const text = vscode.l10n.t('{0} has no address to check. Add one to its interfaces first.', targetText(to));
    void ctx.host.showInformationMessage(text);
    return undefined;
  }
  return report(ctx, from, analysis, ping, pingError);
}

function targetText(t: CheckTarget): string {
  return t.kind === 'address' ? t.address : t.kind === 'interface' ? vscode.l10n.t('{0} in {1}', t.name, netnsDisplayName(t.netns)) : netnsDisplayName(t.netns);
}

function report(ctx: CommandContext, from: CheckSource, a: Analysis, ping: PingResult | undefined, pingError: string | undefined): CheckResult {
  const answered = (ping?.received ?? 0) > 0;
  const where = `${sourceText(from)} → ${a.target.address}`;
  const reason = firstReason(a);
  let message: string;
  if (answered && ping) {
    message = vscode.l10n.t('{0}: reached, {1} of {2} replies, round trip {3} ms on average.', where, ping.received, ping.transmitted, rttText(ping.rttMs));
    if (!a.reachable && reason) {
      message += ' ' + vscode.l10n.t('The model expected it to fail: {0}', reason);
    }
  } else if (pingError !== undefined) {
    message = a.reachable
      ? vscode.l10n.t('{0}: the model shows a way there and back, but no ping was sent: {1}', where, pingError)
      : vscode.l10n.t('{0}: not reachable: {1}', where, reason ?? pingError);
  } else {
    // What the model says stops it; else a neighbour table with no room; else where to look.
    const why = !a.reachable ? (reason ?? '') : ping?.neighbourTableFull ? neighbourTableReason(ping.neighbourTableFull) : undefined;
    message =
      why !== undefined
        ? vscode.l10n.t('{0}: no replies. {1}', where, why)
        : vscode.l10n.t('{0}: no replies to {1} echo requests, though the routes and links look right: a firewall, rp_filter or a link impairment on the way may drop them.', where, ping?.transmitted ?? 0);
  }
  const lines = analysisLines(a);
  if (ping) {
    lines.push(`  ${vscode.l10n.t('ping: {0} of {1} replies', ping.received, ping.transmitted)}${ping.rttMs.length ? `, rtt ${ping.rttMs.map((x) => x.toFixed(3)).join(' ')} ms` : ''}`);
  } else if (pingError !== undefined) {
    lines.push(`  ${vscode.l10n.t('ping: not sent: {0}', pingError)}`);
  }
  for (const line of lines) {
    if (answered && a.reachable) {
      ctx.log.info(line);
    } else {
      ctx.log.warn(line);
    }
  }
  if (answered) {
    ctx.learn.pinged();
  }
  const marks: RowMark[] = a.involved.map((i) => ({ netns: i.netns, ...(i.name !== undefined ? { name: i.name } : {}), problem: i.problem }));
  if (!answered && a.reachable && a.target.netns !== undefined) {
    // Nothing in the model explains it: the target is where to look.
    const t = marks.find((m) => m.netns === a.target.netns && m.name === a.target.name);
    if (t) {
      t.problem = true;
    }
  }
  ctx.checkMarks.set(marks, message);
  const showDetails = vscode.l10n.t('Show Details');
  if (answered && (a.reachable || !reason)) {
    void Promise.resolve(ctx.host.showInformationMessage(message, showDetails)).then((c) => c === showDetails && ctx.log.show());
  } else {
    void Promise.resolve(ctx.host.showWarningMessage(message, {}, showDetails)).then((c) => c === showDetails && ctx.log.show());
  }
  return { analysis: a, ping, ...(pingError !== undefined ? { pingError } : {}), message, marks };
}

interface SourceItem extends vscode.QuickPickItem {
  source: CheckSource;
}

async function pickSource(ctx: CommandContext): Promise<CheckSource | undefined> {
  const items: (SourceItem | (vscode.QuickPickItem & { source?: undefined }))[] = [];
  for (const ns of ctx.model.all()) {
    if (ns.notNamespace || ns.error || ns.unprivileged) {
      continue;
    }
    items.push({ label: netnsDisplayName(ns.name), iconPath: new vscode.ThemeIcon(ns.name === null ? 'home' : 'symbol-namespace'), description: vscode.l10n.t('namespace'), source: { netns: ns.name } });
    for (const i of ns.interfaces) {
      const addrs = usableAddresses(i);
      if (i.kind === 'loopback' || addrs.length === 0) {
        continue;
      }
      items.push({
        label: i.name,
        iconPath: new vscode.ThemeIcon('plug'),
        description: `${netnsDisplayName(ns.name)} · ${addrs.map((x) => `${x.address}/${x.prefixLen}`).join(', ')}`,
        source: { netns: ns.name, name: i.name },
      });
    }
  }
  const picked = await ctx.host.showQuickPick(items, { title: vscode.l10n.t('Check Connectivity'), placeHolder: vscode.l10n.t('From which namespace or interface?'), matchOnDescription: true });
  return picked?.source;
}

interface TargetItem extends vscode.QuickPickItem {
  target?: CheckTarget;
  typed?: boolean;
}

async function pickTarget(ctx: CommandContext, from: CheckSource): Promise<CheckTarget | undefined> {
  const addresses: TargetItem[] = [];
  const ifaces: TargetItem[] = [];
  const namespaces: TargetItem[] = [];
  for (const ns of ctx.model.all()) {
    const other = ns.name !== from.netns;
    const own = ns.interfaces.filter((i) => i.kind !== 'loopback' && usableAddresses(i).length > 0);
    if (own.length === 0) {
      continue;
    }
    if (other) {
      namespaces.push({ label: netnsDisplayName(ns.name), iconPath: new vscode.ThemeIcon(ns.name === null ? 'home' : 'symbol-namespace'), description: vscode.l10n.t('namespace'), target: { kind: 'namespace', netns: ns.name } });
    }
    for (const i of own) {
      if (other) {
        ifaces.push({ label: i.name, iconPath: new vscode.ThemeIcon('plug'), description: vscode.l10n.t('interface in {0}', netnsDisplayName(ns.name)), target: { kind: 'interface', netns: ns.name, name: i.name } });
      }
      for (const a of usableAddresses(i)) {
        const item: TargetItem = { label: a.address, iconPath: new vscode.ThemeIcon('symbol-field'), description: `${i.name} (${netnsDisplayName(ns.name)})`, target: { kind: 'address', address: a.address } };
        if (other) {
          addresses.push(item);
        }
      }
    }
  }
  const sep = (label: string): TargetItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: TargetItem[] = [
    ...(addresses.length ? [sep(vscode.l10n.t('Addresses')), ...addresses] : []),
    ...(ifaces.length ? [sep(vscode.l10n.t('Interfaces')), ...ifaces] : []),
    ...(namespaces.length ? [sep(vscode.l10n.t('Namespaces')), ...namespaces] : []),
    sep(''),
    { label: vscode.l10n.t('Type an address...'), iconPath: new vscode.ThemeIcon('edit'), typed: true },
  ];
  const title = vscode.l10n.t('Check Connectivity from {0}', sourceText(from));
  const picked = await ctx.host.showQuickPick(items, { title, placeHolder: vscode.l10n.t('To which address, interface or namespace?'), matchOnDescription: true });
  if (!picked) {
    return undefined;
  }
  if (!picked.typed) {
    return picked.target;
  }
  const typed = await ctx.host.showInputBox({
    title,
    prompt: vscode.l10n.t('An address of an interface in one of this host\'s namespaces'),
    placeHolder: '10.0.0.2',
    validateInput: (v) => addressProblem(ctx, v.trim()),
  });
  return typed === undefined ? undefined : { kind: 'address', address: typed.trim() };
}

/** Only addresses that an interface of this host's namespaces has (the helper pings no others). */
export function addressProblem(ctx: CommandContext, v: string): string | undefined {
  if (!isIPv4(v) && !isIPv6(v)) {
    return vscode.l10n.t('"{0}" is not an IPv4 or IPv6 address. Write it as 10.0.0.2 or fd00::2, without a prefix length.', v);
  }
  if (!ownerOf(ctx.model.all(), v)) {
    return vscode.l10n.t('{0} is not an address of any namespace on this machine; only those can be checked.', v);
  }
  return undefined;
}

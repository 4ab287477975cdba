// netns.addRoute
//   (namespaceNode) | (routesNode) | ('ns1') | (null) for the host | ({ netns: 'ns1' })
//                                    asks for the destination, the next hop and the metric
//   (ns, { destination, gateway?, device?, metric?, family? })    adds without asking
//   ()                               asks which namespace first
// The gateway is checked against the namespace as the view knows it before anything is sent: it
// must be in a connected subnet. Returns the route's fields as sent, or undefined when cancelled
// or failed.

import * as vscode from 'vscode';
import type { Namespace, NetnsRef } from '../../../core/model';
import type { RouteParams } from '../../../core/operations';
import { connectedPrefixes, gatewayProblem, prefixText, suggestGateway, type ConnectedPrefix } from '../../../core/routeCheck';
import { inPrefix, parseAddress, parseRouteDestination, routeProblem, validateMetric } from '../../../core/validate';
import { formatAddress, netnsDisplayName } from '../../labels';
import { RoutesNode } from '../../tree/nodes';
import { namespaceArgs } from '../args';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickNamespace } from '../pickers';

type RouteFields = Omit<RouteParams, 'netns'>;

interface HopItem extends vscode.QuickPickItem {
  gateway?: string;
  device?: string;
  /** Ask for a gateway in this prefix (any prefix when `anyGateway`). */
  prefix?: ConnectedPrefix;
  anyGateway?: boolean;
}

function isRouteFields(v: unknown): v is RouteFields {
  return typeof v === 'object' && v !== null && typeof (v as { destination?: unknown }).destination === 'string';
}

export async function addRoute(ctx: CommandContext, arg?: unknown, fieldsArg?: unknown): Promise<RouteParams | undefined> {
  const title = vscode.l10n.t('Add Route');
  let netns: NetnsRef | undefined = arg instanceof RoutesNode ? arg.parent.netns : namespaceArgs(arg)?.[0];
  if (netns === undefined) {
    const picked = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Choose the namespace to add a route to') });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    netns = picked.netns;
  }
  await ctx.model.ensureFresh();
  const ns = ctx.model.get(netns);
  if (!ns) {
    void ctx.host.showErrorMessage(vscode.l10n.t('Namespace "{0}" no longer exists. Refresh the view.', netnsDisplayName(netns)));
    return undefined;
  }
  const fields = isRouteFields(fieldsArg) ? fieldsArg : await askRoute(ctx, ns, title);
  if (!fields) {
    return undefined;
  }
  const problem = routeProblem(fields, true) ?? (fields.gateway !== undefined ? gatewayProblem(ns, fields.gateway, fields.device) : undefined);
  if (problem) {
    void ctx.host.showErrorMessage(vscode.l10n.t('The route was not added: {0}', problem));
    return undefined;
  }
  const params: RouteParams = { netns, ...fields, destination: fields.destination.trim() };
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Adding the route to {0} in {1}', params.destination, netnsDisplayName(netns)),
    () => request(ctx, 'addRoute', params),
    { netns: [netns] },
  );
  return result ? params : undefined;
}

/** The three steps: destination (and family for "default"), next hop, metric. */
async function askRoute(ctx: CommandContext, ns: Namespace, title: string): Promise<RouteFields | undefined> {
  const where = netnsDisplayName(ns.name);
  const text = await ctx.host.showInputBox({
    title,
    prompt: vscode.l10n.t('Destination of the new route in {0}: "default", a network, or one address', where),
    placeHolder: vscode.l10n.t('default, 10.1.0.0/24 or fd00:1::/64'),
    value: 'default',
    validateInput: (v) => {
      const r = parseRouteDestination(v);
      return typeof r === 'string' ? r : undefined;
    },
  });
  if (text === undefined) {
    return undefined;
  }
  const destination = text.trim();
  const parsed = parseRouteDestination(destination);
  if (typeof parsed === 'string') {
    return undefined;
  }
  let family = parsed.family;
  if (family === undefined) {
    const picked = await ctx.host.showQuickPick(
      [
        { label: vscode.l10n.t('IPv4 default route'), family: 4 as const },
        { label: vscode.l10n.t('IPv6 default route'), family: 6 as const },
      ],
      { title, placeHolder: vscode.l10n.t('Which family is the default route for?') },
    );
    if (!picked) {
      return undefined;
    }
    family = picked.family;
  }
  const hop = await askNextHop(ctx, ns, family, destination, title);
  if (!hop) {
    return undefined;
  }
  const metricText = await ctx.host.showInputBox({
    title,
    prompt: vscode.l10n.t('Metric (lower is preferred); leave empty for the kernel\'s default'),
    placeHolder: family === 4 ? '0' : '1024',
    validateInput: (v) => (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? validateMetric(Number(v.trim())) : validateMetric(NaN)),
  });
  if (metricText === undefined) {
    return undefined;
  }
  const out: RouteFields = { destination, ...hop };
  if (destination === 'default' && hop.gateway === undefined && family === 6) {
    out.family = 6;
  }
  if (metricText.trim() !== '') {
    out.metric = Number(metricText.trim());
  }
  return out;
}

/** Via a gateway in a connected subnet (a veth peer's address where there is one), or straight onto an interface. */
async function askNextHop(
  ctx: CommandContext,
  ns: Namespace,
  family: 4 | 6,
  destination: string,
  title: string,
): Promise<{ gateway?: string; device?: string } | undefined> {
  const items: HopItem[] = [];
  const prefixes = connectedPrefixes(ns, family);
  const offered = new Set<string>();
  const offer = (gateway: string, device: string, detail: string) => {
    if (!offered.has(`${gateway} ${device}`) && gatewayProblem(ns, gateway, device) === undefined) {
      offered.add(`${gateway} ${device}`);
      items.push({ label: `via ${gateway} dev ${device}`, description: detail, gateway, device, iconPath: new vscode.ThemeIcon('arrow-right') });
    }
  };
  if (prefixes.length > 0) {
    items.push({ label: vscode.l10n.t('Gateway in a connected subnet'), kind: vscode.QuickPickItemKind.Separator });
  }
  // The other end of a veth, when it has an address in the subnet: the usual router.
  for (const i of ns.interfaces) {
    const peer = i.peer;
    if (i.kind !== 'veth' || peer?.name === undefined || peer.netns === undefined) {
      continue;
    }
    const far = ctx.model.get(peer.netns)?.interfaces.find((x) => x.name === peer.name);
    for (const a of far?.addresses ?? []) {
      if (a.family === family && prefixes.some((p) => p.device === i.name && inPrefix(a.address, p.network, p.prefixLen, family))) {
        offer(a.address, i.name, vscode.l10n.t('{0} on {1} in {2}', formatAddress(a), peer.name, netnsDisplayName(peer.netns)));
      }
    }
  }
  // Gateways the namespace's routes already use.
  for (const r of ns.routes ?? []) {
    if (r.family === family && r.gateway && r.device) {
      offer(r.gateway, r.device, vscode.l10n.t('used by the route to {0}', r.destination));
    }
  }
  for (const p of prefixes) {
    items.push({
      label: vscode.l10n.t('Gateway in {0} on {1}...', prefixText(p), p.device),
      description: p.own ? vscode.l10n.t('this namespace is {0} there', p.own) : undefined,
      iconPath: new vscode.ThemeIcon('edit'),
      prefix: p,
    });
  }
  items.push({ label: vscode.l10n.t('Another gateway...'), iconPath: new vscode.ThemeIcon('edit'), anyGateway: true });
  const devices = ns.interfaces.filter((i) => i.kind !== 'loopback');
  if (devices.length > 0) {
    items.push({ label: vscode.l10n.t('Directly on an interface'), kind: vscode.QuickPickItemKind.Separator });
  }
  for (const i of devices) {
    items.push({
      label: `dev ${i.name}`,
      description: [i.kind, ...i.addresses.filter((a) => a.family === family).map(formatAddress)].join(' · '),
      device: i.name,
      iconPath: new vscode.ThemeIcon('plug'),
    });
  }
  const picked = await ctx.host.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Where does the traffic for {0} go?', destination),
    matchOnDescription: true,
  });
  if (!picked) {
    return undefined;
  }
  if (!picked.prefix && !picked.anyGateway) {
    return { gateway: picked.gateway, device: picked.device };
  }
  const p = picked.prefix;
  const text = await ctx.host.showInputBox({
    title,
    prompt: p
      ? vscode.l10n.t('Gateway address in {0} (reached through {1})', prefixText(p), p.device)
      : vscode.l10n.t('Gateway address (in a subnet of {0})', netnsDisplayName(ns.name)),
    placeHolder: p ? suggestGateway(p) : family === 4 ? '10.0.0.1' : 'fd00::1',
    value: p ? suggestGateway(p) : undefined,
    validateInput: (v) => {
      const a = parseAddress(v);
      if (typeof a === 'string') {
        return a;
      }
      if (a.family !== family) {
        return family === 4 ? vscode.l10n.t('The gateway of an IPv4 route is an IPv4 address.') : vscode.l10n.t('The gateway of an IPv6 route is an IPv6 address.');
      }
      return gatewayProblem(ns, a.address, p?.device);
    },
  });
  if (text === undefined) {
    return undefined;
  }
  const gateway = text.trim().toLowerCase();
  return p ? { gateway, device: p.device } : { gateway };
}

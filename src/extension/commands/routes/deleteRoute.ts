// netns.deleteRoute
//   (routeNode)                              from the view
//   ({ netns, route })                       a route of the model (family, destination, gateway...)
//   ()                                       asks which namespace, then which route
// Always confirms in a modal dialog. The route is named by all its fields (destination, gateway,
// device, metric), so the kernel deletes that route and not another to the same destination.
// Returns the fields sent, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { NetnsRef, Route } from '../../../core/model';
import type { RouteParams } from '../../../core/operations';
import { parseAddress } from '../../../core/validate';
import { isNetnsRef } from '../../model/argGuards';
import { netnsDisplayName } from '../../labels';
import { RouteNode } from '../../tree/nodes';
import { routeText } from '../../tree/routes/routeItems';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickNamespace } from '../pickers';

function routeArg(v: unknown): { netns: NetnsRef; route: Route } | undefined {
  if (v instanceof RouteNode) {
    return { netns: v.netns, route: v.route };
  }
  if (typeof v === 'object' && v !== null && 'route' in v && 'netns' in v && isNetnsRef((v as { netns: unknown }).netns)) {
    const route = (v as { route: unknown }).route;
    if (typeof route === 'object' && route !== null && typeof (route as Route).destination === 'string') {
      return { netns: (v as { netns: NetnsRef }).netns, route: route as Route };
    }
  }
  return undefined;
}

/** The request that deletes exactly this route. */
export function delRouteParams(netns: NetnsRef, r: Route): RouteParams {
  const p: RouteParams = { netns, destination: r.destination, family: r.family };
  // An IPv4 route through an IPv6 next hop ("via inet6") is named without its gateway.
  const g = r.gateway === undefined ? undefined : parseAddress(r.gateway);
  if (g && typeof g !== 'string' && g.family === r.family) {
    p.gateway = r.gateway;
  }
  if (r.device !== undefined) {
    p.device = r.device;
  }
  if (r.metric !== undefined) {
    p.metric = r.metric;
  }
  return p;
}

export async function deleteRoute(ctx: CommandContext, arg?: unknown): Promise<RouteParams | undefined> {
  const title = vscode.l10n.t('Delete Route');
  let target = routeArg(arg);
  if (!target) {
    const picked = await pickNamespace(ctx, { title, placeHolder: vscode.l10n.t('Choose the namespace of the route') });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    const routes = ctx.model.get(picked.netns)?.routes ?? [];
    if (routes.length === 0) {
      void ctx.host.showInformationMessage(vscode.l10n.t('{0} has no routes.', netnsDisplayName(picked.netns)));
      return undefined;
    }
    const choice = await ctx.host.showQuickPick(
      routes.map((route) => ({ label: routeText(route), description: route.metric !== undefined ? vscode.l10n.t('metric {0}', route.metric) : undefined, route })),
      { title, placeHolder: vscode.l10n.t('Choose the route to delete') },
    );
    if (!choice) {
      return undefined;
    }
    target = { netns: picked.netns, route: choice.route };
  }
  const { netns, route } = target;
  const text = routeText(route);
  const detail =
    route.destination === 'default'
      ? vscode.l10n.t('Traffic from {0} to destinations without a route of their own then has nowhere to go.', netnsDisplayName(netns))
      : route.protocol === 'kernel'
        ? vscode.l10n.t('The kernel made this route for an address; it comes back when the address or its interface is set again.')
        : undefined;
  const button = vscode.l10n.t('Delete');
  const answer = await ctx.host.showWarningMessage(
    vscode.l10n.t('Delete the route "{0}" in {1}?', text, netnsDisplayName(netns)),
    { modal: true, detail },
    button,
  );
  if (answer !== button) {
    return undefined;
  }
  const params = delRouteParams(netns, route);
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Deleting the route to {0} in {1}', route.destination, netnsDisplayName(netns)),
    () => request(ctx, 'delRoute', params),
    { netns: [netns] },
  );
  return result ? params : undefined;
}

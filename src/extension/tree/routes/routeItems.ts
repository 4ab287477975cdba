// Items for the "Routes" group of a namespace and for each route in it.

import * as vscode from 'vscode';
import type { Route } from '../../../core/model';
import { netnsDisplayName } from '../../labels';
import { codeSpan, escapeMarkdown, markdown } from '../markdown';
import type { RouteNode, RoutesNode } from '../nodes';

export function routeCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 route') : vscode.l10n.t('{0} routes', n);
}

export function routesItem(node: RoutesNode, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Routes'), count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = 'routes';
  item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
  item.description = routeCount(count);
  item.accessibilityInformation = { label: vscode.l10n.t('Routes, {0}', routeCount(count)) };
  return item;
}

/** The route as ip prints it: "default via 10.0.0.1 dev veth-a", "10.1.0.0/24 dev br0 proto kernel scope link". */
export function routeText(r: Route): string {
  const parts: string[] = [];
  if (r.type && r.type !== 'unicast') {
    parts.push(r.type);
  }
  parts.push(r.destination);
  if (r.gateway) {
    parts.push('via', r.gateway);
  }
  if (r.device) {
    parts.push('dev', r.device);
  }
  if (r.protocol && r.protocol !== 'boot') {
    parts.push('proto', r.protocol);
  }
  if (r.scope && r.scope !== 'global') {
    parts.push('scope', r.scope);
  }
  if (r.prefsrc) {
    parts.push('src', r.prefsrc);
  }
  return parts.join(' ');
}

/** Routes that send nothing anywhere (blackhole, unreachable, prohibit...). */
function isDiscard(r: Route): boolean {
  return r.type !== undefined && r.type !== 'unicast';
}

export function routeIcon(r: Route): string {
  if (isDiscard(r)) {
    return 'circle-slash';
  }
  if (r.destination === 'default') {
    return 'globe';
  }
  return r.gateway ? 'arrow-right' : 'plug';
}

export function routeItem(node: RouteNode): vscode.TreeItem {
  const r = node.route;
  const item = new vscode.TreeItem(routeText(r), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const parts: string[] = [];
  if (r.metric !== undefined) {
    parts.push(vscode.l10n.t('metric {0}', r.metric));
  }
  parts.push(r.family === 4 ? 'IPv4' : 'IPv6');
  if (r.flags?.includes('linkdown')) {
    parts.push(vscode.l10n.t('link down'));
  }
  item.description = parts.join(' · ');
  const down = r.flags?.includes('linkdown');
  item.iconPath = new vscode.ThemeIcon(routeIcon(r), down ? new vscode.ThemeColor('disabledForeground') : undefined);
  item.contextValue = r.protocol === 'kernel' ? 'route.kernel' : 'route';
  item.accessibilityInformation = { label: vscode.l10n.t('Route {0}, {1}', item.label as string, item.description) };
  return item;
}

export function routeTooltip(node: RouteNode): vscode.MarkdownString {
  const r = node.route;
  const md = markdown();
  md.appendMarkdown(`**${escapeMarkdown(routeText(r))}**\n\n`);
  const row = (label: string, value: string) => md.appendMarkdown(`${escapeMarkdown(label)}: ${value}  \n`);
  row(vscode.l10n.t('Namespace'), escapeMarkdown(netnsDisplayName(node.netns)));
  row(vscode.l10n.t('Destination'), codeSpan(r.destination));
  row(vscode.l10n.t('Family'), r.family === 4 ? 'IPv4' : 'IPv6');
  if (r.gateway) {
    row(vscode.l10n.t('Gateway'), codeSpan(r.gateway));
  }
  if (r.device) {
    row(vscode.l10n.t('Interface'), escapeMarkdown(r.device));
  }
  if (r.metric !== undefined) {
    row(vscode.l10n.t('Metric'), String(r.metric));
  }
  if (r.prefsrc) {
    row(vscode.l10n.t('Source address'), codeSpan(r.prefsrc));
  }
  for (const [label, value] of [
    [vscode.l10n.t('Protocol'), r.protocol ?? 'boot'],
    [vscode.l10n.t('Scope'), r.scope ?? 'global'],
    [vscode.l10n.t('Type'), r.type ?? 'unicast'],
  ] as const) {
    row(label, codeSpan(value));
  }
  row(vscode.l10n.t('Table'), codeSpan(r.table ?? 'main'));
  if (r.flags?.length) {
    row(vscode.l10n.t('Flags'), codeSpan(r.flags.join(',')));
  }
  return md;
}

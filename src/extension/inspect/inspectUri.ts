// The address of an inspection document: netns-inspect:/NAME (PART)?netns=NAME&part=PART. The
// path gives the tab its title; the query says exactly which namespace and part (the host's has no
// netns in it).

import * as vscode from 'vscode';
import { isInspectPart, type InspectPart } from '../../core/inspect/types';
import type { NetnsRef } from '../../core/model';
import { isNetnsRef } from '../model/argGuards';

export const INSPECT_SCHEME = 'netns-inspect';
/** The language of inspection documents (a small grammar of the extension's own). */
export const INSPECT_LANGUAGE = 'netns-inspect';

/** One part, or 'all' for the whole inspection. */
export type InspectView = InspectPart | 'all';

/** How the tab names each view. */
const SLUG: Record<InspectView, string> = {
  all: 'inspect',
  interfaces: 'interfaces',
  routes: 'routing',
  neighbours: 'neighbours',
  sockets: 'sockets',
  firewall: 'firewall',
  sysctls: 'sysctls',
  files: 'files',
};

export function inspectUri(netns: NetnsRef, view: InspectView): vscode.Uri {
  const name = netns === null ? 'host' : netns;
  const query = new URLSearchParams(netns === null ? { part: view } : { netns, part: view }).toString();
  return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${name} (${SLUG[view]})`, query });
}

export function parseInspectUri(uri: vscode.Uri): { netns: NetnsRef; view: InspectView } | undefined {
  if (uri.scheme !== INSPECT_SCHEME) {
    return undefined;
  }
  const q = new URLSearchParams(uri.query);
  const part = q.get('part');
  const netns = q.get('netns');
  const view = part === 'all' || isInspectPart(part) ? part : undefined;
  if (!view || (netns !== null && !isNetnsRef(netns))) {
    return undefined;
  }
  return { netns: netns ?? null, view };
}

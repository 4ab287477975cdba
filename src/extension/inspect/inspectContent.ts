// What an inspection document says: each part read from the helper (interfaces from the model),
// all at once, and written by core/inspect/format. A part that cannot be read says why in its
// section; the others still show.

import type { NetnsClient } from '../../client/types';
import {
  formatFirewall,
  formatInterfaces,
  formatNeighbours,
  formatNetnsFiles,
  formatRules,
  formatSockets,
  formatSysctls,
  renderDocument,
  type Section,
} from '../../core/inspect/format';
import { INSPECT_PARTS, type InspectPart } from '../../core/inspect/types';
import * as vscode from 'vscode';
import type { NetnsRef } from '../../core/model';
import { errorMessage } from '../commands/operations';
import type { NamespaceStore } from '../model/namespaceStore';
import type { InspectView } from './inspectUri';

export interface InspectDeps {
  readonly client: NetnsClient;
  /** For its change events (what to read again when). */
  readonly model: NamespaceStore;
}

async function readPart(deps: InspectDeps, netns: NetnsRef, part: InspectPart): Promise<string[]> {
  const { client } = deps;
  switch (part) {
    case 'interfaces': {
      // Read for the document itself: the view's model may be stale while the view is hidden.
      const snap = await client.request('snapshot', netns === null ? { names: [], includeRoot: true } : { names: [netns], includeRoot: false });
      const ns = snap.namespaces.find((n) => n.name === netns);
      if (!ns) {
        throw new Error(vscode.l10n.t('The namespace is gone (deleted, or renamed).'));
      }
      if (ns.error) {
        throw new Error(ns.error);
      }
      return formatInterfaces(ns);
    }
    case 'routes':
      return formatRules(await client.request('readRules', { netns }));
    case 'neighbours':
      return formatNeighbours(await client.request('readNeighbours', { netns }));
    case 'sockets':
      return formatSockets(await client.request('readSockets', { netns }));
    case 'firewall':
      return formatFirewall(await client.request('readFirewall', { netns }));
    case 'sysctls':
      return formatSysctls(await client.request('readSysctls', { netns }));
    case 'files':
      return formatNetnsFiles(netns === null ? undefined : await client.request('readNetnsFiles', { netns }), netns);
  }
}

/** The document's sections: each part read, in parallel. */
export async function readSections(deps: InspectDeps, netns: NetnsRef, view: InspectView, mayStart = true): Promise<Section[]> {
  if (deps.client.state.kind !== 'running') {
    if (!mayStart) {
      throw new Error(vscode.l10n.t('The helper is not running. Start it (Netns: Start Helper) and the document is read again.'));
    }
    await deps.client.start();
  }
  const parts = view === 'all' ? [...INSPECT_PARTS] : [view];
  return Promise.all(
    parts.map(async (part): Promise<Section> => {
      try {
        return { part, lines: await readPart(deps, netns, part) };
      } catch (e) {
        return { part, error: errorMessage(e) };
      }
    }),
  );
}

/** With `mayStart` false (a refresh nobody asked for), a helper that is not running is not started. */
export async function inspectionText(deps: InspectDeps, netns: NetnsRef, view: InspectView, mayStart = true, now = new Date()): Promise<string> {
  let sections: Section[];
  try {
    sections = await readSections(deps, netns, view, mayStart);
  } catch (e) {
    // The helper could not be started: every part says so.
    sections = (view === 'all' ? [...INSPECT_PARTS] : [view]).map((part) => ({ part, error: errorMessage(e) }));
  }
  return renderDocument(netns, sections, now);
}

// netns.exportTopology: the topology as a picture (SVG, PNG) or as text for docs (Mermaid, DOT).
//   ()                          asks the format and where to save it
//   ({ format, path })          writes it there without asking; format: svg | png | mermaid | dot
// SVG and PNG are drawn from the open view (where the user placed things, in the theme's colours);
// without it, SVG uses the grid layout and PNG opens the view first. Returns the file's path, or
// undefined when cancelled.

import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { gridLayout, groupOrder } from '../../../core/topology/layout';
import { toSvg } from '../../../core/topology/svg';
import { toDot, toMermaid } from '../../../core/topology/text';
import type { CommandContext } from '../context';

export type TopologyFormat = 'svg' | 'png' | 'mermaid' | 'dot';
const EXT: Record<TopologyFormat, string> = { svg: 'svg', png: 'png', mermaid: 'mmd', dot: 'dot' };

function isFormat(v: unknown): v is TopologyFormat {
  return v === 'svg' || v === 'png' || v === 'mermaid' || v === 'dot';
}

export async function exportTopology(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const given = typeof arg === 'object' && arg !== null ? (arg as { format?: unknown; path?: unknown }) : {};
  let format = isFormat(given.format) ? given.format : undefined;
  if (!format) {
    const items: (vscode.QuickPickItem & { format: TopologyFormat })[] = [
      { label: 'SVG', description: vscode.l10n.t('the picture, as drawn'), format: 'svg' },
      { label: 'PNG', description: vscode.l10n.t('the picture, as drawn'), format: 'png' },
      { label: 'Mermaid', description: vscode.l10n.t('the wiring as text, for Markdown docs'), format: 'mermaid' },
      { label: 'DOT', description: vscode.l10n.t('the wiring as text, for Graphviz'), format: 'dot' },
    ];
    const picked = await ctx.host.showQuickPick(items, { title: vscode.l10n.t('Export Topology'), placeHolder: vscode.l10n.t('Export as') });
    if (!picked) {
      return undefined;
    }
    format = picked.format;
  }
  let target = typeof given.path === 'string' ? given.path : undefined;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Topology'),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `topology.${EXT[format]}`) : undefined,
      filters: { [format.toUpperCase()]: [EXT[format]] },
    });
    if (!uri) {
      return undefined;
    }
    target = uri.fsPath;
  }
  const topology = ctx.topology;
  if (!topology) {
    return undefined;
  }
  await ctx.model.ensureFresh();
  let data: string | Uint8Array;
  if (format === 'png') {
    if (!topology.isOpen) {
      await topology.show();
    }
    data = await topology.png();
  } else if (format === 'svg') {
    const graph = topology.modelGraph();
    if (topology.isOpen) {
      const { layout, palette } = await topology.layout();
      data = toSvg(graph, layout, palette, { processes: (n) => (n === 1 ? vscode.l10n.t('1 process') : vscode.l10n.t('{0} processes', n)) });
    } else {
      data = toSvg(graph, gridLayout(graph, groupOrder(graph)));
    }
  } else {
    const graph = topology.modelGraph();
    data = format === 'mermaid' ? toMermaid(graph) : toDot(graph);
  }
  await fs.writeFile(target, data);
  ctx.log.write('info', `Topology exported as ${format} to ${target}.`);
  if (given.path === undefined) {
    void ctx.host.showInformationMessage(vscode.l10n.t('Topology saved to {0}.', target));
  }
  return target;
}

// What the capture commands are called with: a capture row of the tree, or { key } (the key
// startCapture returned), or nothing (then they ask).

import * as vscode from 'vscode';
import type { CaptureInfo } from '../../capture/captureManager';
import { captureLabel, formatBytes } from '../../capture/captureText';
import { CaptureNode } from '../../tree/nodes';
import type { CommandContext } from '../context';

export function captureKeyArg(v: unknown): number | undefined {
  if (v instanceof CaptureNode) {
    return v.key;
  }
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'number') {
    return (v as { key: number }).key;
  }
  return undefined;
}

/** The capture given, or one picked from those `filter` keeps (at once when only one is). */
export async function captureArg(ctx: CommandContext, arg: unknown, filter: (c: CaptureInfo) => boolean, placeHolder: string): Promise<CaptureInfo | undefined> {
  const key = captureKeyArg(arg);
  if (key !== undefined) {
    return ctx.captures.get(key);
  }
  const list = ctx.captures.list().filter(filter);
  if (list.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('No capture to choose from. Start one from an interface\'s context menu (Start Capture).'));
    return undefined;
  }
  if (list.length === 1) {
    return list[0];
  }
  const picked = await ctx.host.showQuickPick(
    list.map((c: CaptureInfo) => ({
      label: captureLabel(c),
      description: `${c.state === 'running' ? vscode.l10n.t('running') : vscode.l10n.t('ended')} · ${formatBytes(c.bytes)}`,
      detail: c.file,
      info: c,
    })),
    { title: vscode.l10n.t('Captures'), placeHolder },
  );
  return picked?.info;
}

/** A plain copy for callers (tests, other extensions). */
export function captureResult(c: CaptureInfo): CaptureInfo {
  return { ...c };
}

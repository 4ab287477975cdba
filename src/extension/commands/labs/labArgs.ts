// The lab file a lab command acts on: a URI (CodeLens, explorer), a Labs row of the view, the
// active editor's file, or one chosen from the workspace's lab files.

import * as vscode from 'vscode';
import { isLabFile } from '../../labs/labFiles';
import { LabFileNode } from '../../tree/nodes';
import type { CommandContext } from '../context';

export async function labFileArg(ctx: CommandContext, arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    return arg;
  }
  if (arg instanceof LabFileNode) {
    return arg.uri;
  }
  if (typeof arg === 'string') {
    return vscode.Uri.file(arg);
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (arg === undefined && active && isLabFile(active)) {
    return active;
  }
  const files = await ctx.labFiles.all();
  if (files.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('There is no lab file (*.netns.yaml) in the workspace. "Export Current State as Lab" writes one.'));
    return undefined;
  }
  const picked = await ctx.host.showQuickPick(
    files.map((f) => ({ label: f.parsed.spec?.name ?? vscode.workspace.asRelativePath(f.uri), description: vscode.workspace.asRelativePath(f.uri), uri: f.uri })),
    { title, placeHolder: vscode.l10n.t('Choose a lab file') },
  );
  return picked?.uri;
}

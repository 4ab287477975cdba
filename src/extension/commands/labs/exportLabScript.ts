// netns.exportLabScript
//   (uri) / (LabFileNode) / ()                  the lab file (the active editor's, or one chosen)
//   ({ file: uri, target: uri })                writes the script there without asking
// The lab as a standalone shell script (ip, tc, sysctl; `set -e`; `down` removes it), opened as a
// new document, or written to `target`. Returns the script.

import * as vscode from 'vscode';
import { labShellScript } from '../../../core/labs/labScript';
import type { CommandContext } from '../context';
import { labFileArg } from './labArgs';

export async function exportLabScript(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const given = typeof arg === 'object' && arg !== null && 'file' in arg ? (arg as { file: vscode.Uri; target?: vscode.Uri }) : undefined;
  const uri = given?.file ?? (await labFileArg(ctx, arg, vscode.l10n.t('Export Lab as Shell Script')));
  if (!uri) {
    return undefined;
  }
  const spec = (await ctx.labFiles.read(uri)).parsed.spec;
  if (!spec) {
    void ctx.host.showErrorMessage(vscode.l10n.t('{0} has errors; fix them first (see Problems).', vscode.workspace.asRelativePath(uri)));
    return undefined;
  }
  const script = labShellScript(spec, undefined, vscode.workspace.asRelativePath(uri));
  if (given?.target) {
    await vscode.workspace.fs.writeFile(given.target, new TextEncoder().encode(script));
    return script;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: script });
  await vscode.window.showTextDocument(doc, { preview: false });
  return script;
}

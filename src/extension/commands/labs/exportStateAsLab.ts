// netns.exportStateAsLab
//   (NamespaceNode, selectedNodes)              the selected namespaces (context menu)
//   ()                                           asks: all named namespaces or one of them
//   ({ netns: ['ns1', 'ns2'], name?, target? })  without asking (target: where to write)
// The namespaces as they are now, as a lab file that applies back to the same state: written to
// the file chosen, and opened. Returns the file's text.

import * as vscode from 'vscode';
import { exportLab, labFileText } from '../../../core/labs/labExport';
import type { Namespace } from '../../../core/model';
import { readNetnsFiles } from '../../labs/kernelView';
import { namespaceArgs } from '../args';
import type { CommandContext } from '../context';

export async function exportStateAsLab(ctx: CommandContext, first?: unknown, selected?: unknown): Promise<string | undefined> {
  const given = typeof first === 'object' && first !== null && Array.isArray((first as { netns?: unknown }).netns) ? (first as { netns: string[]; name?: string; target?: vscode.Uri }) : undefined;
  await ctx.model.ensureFresh();
  const named = ctx.model.all().filter((n): n is Namespace & { name: string } => n.name !== null && !n.notNamespace);
  let chosen: string[] | undefined = given?.netns ?? namespaceArgs(first, selected)?.filter((n): n is string => n !== null);
  if (!chosen || chosen.length === 0) {
    const all = vscode.l10n.t('All named namespaces');
    const picked = await ctx.host.showQuickPick([{ label: all, description: String(named.length), names: named.map((n) => n.name) }, ...named.map((n) => ({ label: n.name, names: [n.name] }))], {
      title: vscode.l10n.t('Export Current State as Lab'),
      placeHolder: vscode.l10n.t('Which namespaces go into the lab?'),
    });
    chosen = picked?.names;
  }
  if (!chosen || chosen.length === 0) {
    return undefined;
  }
  const namespaces = chosen.map((n) => ctx.model.get(n)).filter((n): n is Namespace => n !== undefined);
  const name =
    given?.name ??
    (await ctx.host.showInputBox({
      title: vscode.l10n.t('Export Current State as Lab'),
      prompt: vscode.l10n.t('The lab\'s name'),
      value: 'exported',
      validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v) ? undefined : vscode.l10n.t('Letters, digits, ".", "_" and "-", starting with a letter or digit.')),
    }));
  if (!name) {
    return undefined;
  }
  const { spec, skipped } = exportLab(name, namespaces, readNetnsFiles);
  const text = labFileText(spec, [vscode.l10n.t('Exported from the kernel on {0}: {1}.', new Date().toISOString(), chosen.join(', ')), ...skipped.map((s) => vscode.l10n.t('Left out: {0}', s))]);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target =
    given?.target ??
    (await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${name}.netns.yaml`) : undefined,
      filters: { [vscode.l10n.t('Lab files')]: ['netns.yaml'] },
      title: vscode.l10n.t('Export Current State as Lab'),
    }));
  if (!target) {
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target, { preview: false });
  if (skipped.length > 0) {
    void ctx.host.showWarningMessage(vscode.l10n.t('{0} things could not be put into the lab; they are listed at the top of the file.', skipped.length), {});
  }
  return text;
}

// netns.destroyLab
//   (uri) / (LabFileNode) / ()     the lab file (the active editor's, or one chosen)
// Removes what this lab made, as recorded under the lab's name when it was applied (so a renamed
// file still finds it): its /etc/netns files, the interfaces it added to namespaces it did not
// make, and the namespaces it made, each only while it is still the same (same inode). Nothing
// else: a namespace that took one of the names later is left alone.

import * as vscode from 'vscode';
import { parseDocument } from 'yaml';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { labFileArg } from './labArgs';

export async function destroyLab(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const uri = await labFileArg(ctx, arg, vscode.l10n.t('Destroy Lab'));
  if (!uri) {
    return false;
  }
  const file = await ctx.labFiles.read(uri);
  // The name is all Destroy needs, also from a file with other errors.
  const loose: unknown = file.parsed.spec?.name ?? (parseDocument(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))).toJS() as { name?: unknown } | null)?.name;
  const name = typeof loose === 'string' ? loose : undefined;
  const rec = name !== undefined ? ctx.labs.ofLab(name) : undefined;
  if (!name || !rec) {
    void ctx.host.showInformationMessage(vscode.l10n.t('The lab "{0}" has made nothing here that is left: nothing to destroy.', name ?? vscode.workspace.asRelativePath(uri)));
    return false;
  }
  await ctx.model.ensureFresh();
  const inode = (n: string) => ctx.model.get(n)?.inode;
  const namespaces = rec.namespaces.filter((n) => inode(n.name) === n.inode);
  const links = (rec.links ?? []).filter((l) => inode(l.netns) === l.inode && ctx.model.get(l.netns)?.interfaces.some((i) => i.name === l.name));
  const files = rec.files ?? [];
  const lines = [
    vscode.l10n.t('Namespaces deleted with everything in them: {0}.', namespaces.map((n) => n.name).join(', ') || '-'),
    ...(links.length ? [vscode.l10n.t('Interfaces deleted: {0}.', links.map((l) => `${l.netns}/${l.name}`).join(', '))] : []),
    ...(files.length ? [vscode.l10n.t('Files removed: {0}.', files.map((f) => `/etc/netns/${f.netns}/${f.file}`).join(', '))] : []),
  ];
  const destroy = vscode.l10n.t('Destroy');
  const answer = await ctx.host.showWarningMessage(vscode.l10n.t('Destroy the lab "{0}"?', name), { modal: true, detail: lines.join('\n\n') }, destroy);
  if (answer !== destroy) {
    return false;
  }
  const done = await runOperation(
    ctx,
    vscode.l10n.t('Destroying the lab "{0}"', name),
    async (report) => {
      await eachItem(files, (f) => `/etc/netns/${f.netns}/${f.file}`, (f) => request(ctx, 'setNetnsFile', { netns: f.netns, file: f.file, content: null }), report);
      await eachItem(links, (l) => `${l.netns}/${l.name}`, (l) => request(ctx, 'delLink', { netns: l.netns, name: l.name }), report);
      if (namespaces.length > 0) {
        await request(ctx, 'batch', { requests: namespaces.map((n) => ({ op: 'delNetns' as const, name: n.name })) });
      }
      return true;
    },
    { names: true, netns: links.map((l) => l.netns) },
  );
  if (!done) {
    return false;
  }
  await ctx.labs.setLab(name, undefined);
  void ctx.host.showInformationMessage(vscode.l10n.t('The lab "{0}" is destroyed.', name));
  return true;
}

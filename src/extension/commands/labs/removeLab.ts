// netns.removeLab
//   ()                      asks which of the labs built here to remove
//   ('rt-')                 removes the lab with that prefix (after the confirmation)
// Deletes, in one batch, the namespaces the lab made (and with them every interface in them),
// only those still the same namespaces (same inode) as when the lab made them.

import * as vscode from 'vscode';
import type { LabRecord } from '../../labs/labRecords';
import { labTitle } from '../../labs/labTitles';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';

export async function removeLab(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  await ctx.model.ensureFresh();
  // Example labs only (a lab file's lab has Destroy), and only those with a namespace left: a lab
  // whose namespaces are all gone (deleted by hand, a reboot) is forgotten.
  const live = (l: LabRecord) => l.namespaces.some((n) => ctx.model.get(n.name)?.inode === n.inode);
  for (const stale of ctx.labs.all().filter((l) => l.kind !== 'file' && !live(l))) {
    await ctx.labs.remove(stale.prefix);
  }
  const labs = ctx.labs.all().filter((l) => l.kind !== 'file');
  let lab = typeof arg === 'string' ? labs.find((l) => l.prefix === arg) : undefined;
  if (!lab) {
    if (labs.length === 0) {
      void ctx.host.showInformationMessage(vscode.l10n.t('No lab was built here yet. "Create Example Lab" builds one.'));
      return false;
    }
    const picked = await ctx.host.showQuickPick(
      labs.map((l) => ({ label: labTitle(l.kind), description: l.namespaces.map((n) => n.name).join(', '), lab: l })),
      { title: vscode.l10n.t('Remove Lab'), placeHolder: vscode.l10n.t('Choose the lab to remove') },
    );
    lab = picked?.lab;
  }
  if (!lab) {
    return false;
  }
  const chosen: LabRecord = lab;
  const same = chosen.namespaces.filter((n) => ctx.model.get(n.name)?.inode === n.inode);
  const other = chosen.namespaces.filter((n) => !same.includes(n));
  const remove = vscode.l10n.t('Remove');
  const lines = [vscode.l10n.t('Namespaces deleted with everything in them: {0}.', same.map((n) => n.name).join(', ') || '-')];
  if (other.length > 0) {
    lines.push(vscode.l10n.t('Left alone (gone, or another namespace by that name now): {0}.', other.map((n) => n.name).join(', ')));
  }
  const answer = await ctx.host.showWarningMessage(vscode.l10n.t('Remove the lab "{0}"?', labTitle(chosen.kind)), { modal: true, detail: lines.join('\n\n') }, remove);
  if (answer !== remove) {
    return false;
  }
  if (same.length > 0) {
    const done = await runOperation(
      ctx,
      vscode.l10n.t('Removing the lab "{0}"', labTitle(chosen.kind)),
      () => request(ctx, 'batch', { requests: same.map((n) => ({ op: 'delNetns' as const, name: n.name })) }),
      { names: true },
    );
    if (!done) {
      return false;
    }
  }
  await ctx.labs.remove(chosen.prefix);
  return true;
}

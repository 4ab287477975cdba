// netns.deleteNamespace
//   (namespaceNode, selectedNodes)     from the view: the clicked namespace or the whole selection
//   ('ns1') / (['ns1', 'ns2']) / ({ name: 'ns1' })
//   ()                                 asks which
// Always confirms in a modal dialog (through the Host), warning when processes or interfaces other
// than lo are inside. Returns the names deleted, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../../core/model';
import { namespaceArgs } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { pickNamespace } from '../pickers';
import { notNamespaceText } from '../../labels';

export async function deleteNamespace(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<string[] | undefined> {
  let refs: NetnsRef[] | undefined = namespaceArgs(arg, selected);
  if (refs === undefined) {
    const picked = await pickNamespace(ctx, {
      title: vscode.l10n.t('Delete Network Namespace'),
      placeHolder: vscode.l10n.t('Choose the namespace to delete'),
      includeHost: false,
      includeNotNamespaces: true,
    });
    if (!picked || !('netns' in picked)) {
      return undefined;
    }
    refs = [picked.netns];
  }
  const names = refs.filter((r): r is string => r !== null);
  if (names.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('The host namespace cannot be deleted.'));
    return undefined;
  }

  if (!(await confirm(ctx, names))) {
    return undefined;
  }
  // A plain file in /run/netns is deleted as a file: the helper refuses it otherwise, and refuses
  // to delete a namespace that has taken the file's place since.
  const isFile = (n: string) => ctx.model.get(n)?.notNamespace !== undefined;
  const title =
    names.length > 1
      ? vscode.l10n.t('Deleting {0} namespaces', names.length)
      : isFile(names[0])
        ? vscode.l10n.t('Deleting the file {0}', `/run/netns/${names[0]}`)
        : vscode.l10n.t('Deleting namespace {0}', names[0]);
  return runOperation(
    ctx,
    title,
    (report) =>
      eachItem(
        names,
        (n) => n,
        async (n) => {
          await request(ctx, 'delNetns', isFile(n) ? { name: n, file: true } : { name: n });
          return n;
        },
        report,
      ),
    { names: true },
  );
}

async function confirm(ctx: CommandContext, names: string[]): Promise<boolean> {
  // Warn from the kernel's state now, not from what the view last showed.
  await ctx.model.refreshNamespaces(names);
  await ctx.model.refreshProcesses(0);
  const lines: string[] = [];
  const files: string[] = [];
  for (const n of names) {
    const ns = ctx.model.get(n);
    if (!ns) {
      continue;
    }
    if (ns.notNamespace) {
      files.push(n);
      lines.push(vscode.l10n.t('{0} is {1}: no namespace is mounted on it. Only that file is removed.', ns.path, notNamespaceText(ns.notNamespace)));
      continue;
    }
    const procs = ctx.model.processesOf(ns.inode)?.processes ?? [];
    const ifaces = ns.interfaces.filter((i) => i.kind !== 'loopback').map((i) => i.name);
    if (procs.length > 0) {
      const cmds = [...new Set(procs.map((p) => p.command))].slice(0, 5).join(', ');
      lines.push(
        procs.length === 1
          ? vscode.l10n.t('"{0}": 1 process is still inside ({1}). The namespace lives on without a name until it exits.', n, cmds)
          : vscode.l10n.t('"{0}": {1} processes are still inside ({2}). The namespace lives on without a name until they exit.', n, procs.length, cmds),
      );
    }
    if (ifaces.length > 0) {
      lines.push(
        vscode.l10n.t(
          '"{0}" holds interfaces: {1}. When the namespace goes away, virtual ones are deleted (a veth takes its peer with it) and physical ones return to the host.',
          n,
          ifaces.join(', '),
        ),
      );
    }
  }
  const onlyFile = names.length === 1 && files.length === 1;
  const message = onlyFile
    ? vscode.l10n.t('Delete the file "/run/netns/{0}"? It is not a namespace.', names[0])
    : names.length === 1
      ? vscode.l10n.t('Delete network namespace "{0}"?', names[0])
      : vscode.l10n.t('Delete {0} network namespaces ({1})?', names.length, names.join(', '));
  const deleteButton = onlyFile ? vscode.l10n.t('Delete File') : vscode.l10n.t('Delete');
  const answer = await ctx.host.showWarningMessage(
    message,
    { modal: true, detail: lines.length > 0 ? lines.join('\n\n') : undefined },
    deleteButton,
  );
  return answer === deleteButton;
}

// netns.attachProcessNamespace: gives a name to the namespace a process is in (`ip netns attach`).
//   (unnamedNamespaceNode)               uses its first process; asks for the name
//   ({ pid: 1234 }, 'name') / ({ pid: 1234, name: 'name' }) / (1234, 'name')   without asking
//   ({ pid: 1234 })                      asks for the name
//   ()                                   asks which unnamed namespace (or a PID), then the name
// Returns the name given, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { pidArg } from '../args';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { askNamespaceName, askPid, processLabel } from '../pickers';

export async function attachProcessNamespace(ctx: CommandContext, arg?: unknown, nameArg?: unknown): Promise<string | undefined> {
  const title = vscode.l10n.t('Name a Process\'s Network Namespace');
  await ctx.model.ensureFresh();
  let pid = pidArg(arg, (inode) => ctx.model.processesOf(inode)?.processes);
  if (pid === undefined) {
    pid = await pickUnnamed(ctx, title);
    if (pid === undefined) {
      return undefined;
    }
  }
  let name =
    typeof nameArg === 'string'
      ? nameArg
      : typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string' && !('kind' in arg)
        ? (arg as { name: string }).name
        : undefined;
  if (name === undefined) {
    const which = await processLabel(ctx, pid);
    name = await askNamespaceName(ctx, title, vscode.l10n.t('Name for the network namespace of {0} (a file in /run/netns)', which));
    if (name === undefined) {
      return undefined;
    }
  }
  const given = name;
  const thePid = pid;
  const result = await runOperation(
    ctx,
    vscode.l10n.t('Naming the namespace of process {0} "{1}"', thePid, given),
    () => request(ctx, 'attachNetns', { name: given, pid: thePid }),
    { names: true },
  );
  if (result) {
    await ctx.model.refreshProcesses(0);
  }
  return result?.name;
}

async function pickUnnamed(ctx: CommandContext, title: string): Promise<number | undefined> {
  await ctx.model.refreshProcesses(1000);
  const items: (vscode.QuickPickItem & { pid?: number })[] = ctx.model.unnamed().flatMap((pns) => {
    const first = pns.processes[0];
    return first
      ? [{
          label: pns.id,
          description: pns.processes.map((p) => p.command).slice(0, 3).join(', '),
          detail: vscode.l10n.t('PID {0} · {1}', String(first.pid), first.user),
          pid: first.pid,
        }]
      : [];
  });
  items.push({ label: vscode.l10n.t('Enter a process ID...'), iconPath: new vscode.ThemeIcon('edit') });
  const picked = await ctx.host.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Choose a namespace without a name') });
  if (!picked) {
    return undefined;
  }
  return picked.pid ?? (await askPid(ctx, title));
}

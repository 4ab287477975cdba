// netns.diffLab
//   (uri) / (LabFileNode) / ()     the lab file (the active editor's, or one chosen)
// Shows what Apply would do to bring the kernel to the file, without doing it. Returns the plan.

import * as vscode from 'vscode';
import type { LabSpec } from '../../../core/labs/lab';
import type { LabPlan } from '../../../core/labs/labPlan';
import { labState } from '../../labs/labFiles';
import type { CommandContext } from '../context';
import { labFileArg } from './labArgs';

/** The lab file's plan against the kernel as just read, shown; undefined when there is none (said why). */
export async function showLabPlan(ctx: CommandContext, arg: unknown, title: string): Promise<{ uri: vscode.Uri; spec: LabSpec; plan: LabPlan } | undefined> {
  const uri = await labFileArg(ctx, arg, title);
  if (!uri) {
    return undefined;
  }
  const file = await ctx.labFiles.read(uri);
  const spec = file.parsed.spec;
  if (!spec) {
    const problems = vscode.l10n.t('Show Problems');
    const count = file.parsed.problems.filter((p) => p.severity === 'error').length;
    void Promise.resolve(ctx.host.showErrorMessage(vscode.l10n.t('{0} has {1} errors; fix them first.', vscode.workspace.asRelativePath(uri), count), problems)).then((c) => {
      if (c === problems) {
        void vscode.commands.executeCommand('workbench.actions.view.problems');
      }
    });
    return undefined;
  }
  await ctx.model.ensureFresh();
  const { status, plan } = labState(file.parsed, ctx.model);
  if (!plan) {
    void ctx.host.showErrorMessage(
      status.kind === 'unknown'
        ? vscode.l10n.t('The namespaces cannot be read without the helper. Start it ("Netns: Start Helper") and try again.')
        : vscode.l10n.t('The lab cannot be compared with the kernel.'),
    );
    return undefined;
  }
  await ctx.labPlans.show(spec.name, uri, plan);
  return { uri, spec, plan };
}

export async function diffLab(ctx: CommandContext, arg?: unknown): Promise<LabPlan | undefined> {
  return (await showLabPlan(ctx, arg, vscode.l10n.t('Diff Lab')))?.plan;
}

// A lab's plan as a read-only document: the commands Apply runs, "+" for what it adds or sets and
// "-" for what it removes (coloured as a diff), and the conflicts that stop it.

import * as vscode from 'vscode';
import { DISPLAY_CONTEXT, formatCommand } from '../../core/ipCommand';
import type { LabPlan } from '../../core/labs/labPlan';
import { localParts } from '../../core/messages';
import { commandOf, type BatchItem } from '../../core/operations';

export const PLAN_SCHEME = 'netns-lab-plan';

function removes(s: BatchItem): boolean {
  return s.op === 'delAddress' || s.op === 'delRoute' || s.op === 'delNetns' || s.op === 'clearNetem' || (s.op === 'setMaster' && s.master === null);
}

function stepLine(s: BatchItem): string {
  if (s.op === 'setNetnsFile') {
    const first = (s.content ?? '').split('\n')[0];
    return `/etc/netns/${s.netns}/${s.file} <- ${JSON.stringify(first)}${(s.content ?? '').includes('\n') && (s.content ?? '').trim().includes('\n') ? ' ...' : ''}`;
  }
  const cmd = commandOf(s, DISPLAY_CONTEXT);
  return cmd ? formatCommand(cmd) : s.op;
}

export function planText(lab: string, file: string, plan: LabPlan): string {
  const lines = [`# ${vscode.l10n.t('Plan for the lab "{0}" ({1})', lab, file)}`];
  if (plan.conflicts.length > 0) {
    lines.push(`# ${vscode.l10n.t('It cannot be applied: {0} conflicts.', plan.conflicts.length)}`);
    lines.push(...plan.conflicts.map((c) => `! ${localParts(c)}`));
  }
  lines.push(
    plan.steps.length === 0
      ? `# ${vscode.l10n.t('Nothing to do: the kernel matches the lab.')}`
      : `# ${vscode.l10n.t('{0} changes, in one batch (undone together if one fails):', plan.steps.length)}`,
  );
  lines.push(...plan.steps.map((s) => `${removes(s) ? '-' : '+'} ${stepLine(s)}`));
  return lines.join('\n') + '\n';
}

/** Holds the plans shown, by URI, and shows them again when asked. */
export class LabPlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens (or updates) the plan of a lab beside the editor. */
  async show(lab: string, file: vscode.Uri, plan: LabPlan): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${lab} plan.diff` });
    this.texts.set(uri.toString(), planText(lab, vscode.workspace.asRelativePath(file), plan));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

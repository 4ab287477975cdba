// netns.applyLab
//   (uri) / (LabFileNode) / ()     the lab file (the active editor's, or one chosen)
// Shows the plan (what differs between the file and the kernel), asks, and carries it out in one
// batch: all of it or, when a step fails, nothing. Records what the lab made, under the lab's
// name, for Destroy. Returns how many changes were made (0: the kernel already matched).

import * as vscode from 'vscode';
import { labNamespaces } from '../../../core/labs/lab';
import type { LabPlan } from '../../../core/labs/labPlan';
import type { LabRecord } from '../../labs/labRecords';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { showLabPlan } from './diffLab';

export async function applyLab(ctx: CommandContext, arg?: unknown): Promise<{ changes: number } | undefined> {
  const shown = await showLabPlan(ctx, arg, vscode.l10n.t('Apply Lab'));
  if (!shown) {
    return undefined;
  }
  const { spec, plan } = shown;
  const name = spec.name;
  if (plan.conflicts.length > 0) {
    void ctx.host.showErrorMessage(vscode.l10n.t('The lab "{0}" cannot be applied: {1} conflicts with the kernel (see the plan).', name, plan.conflicts.length));
    return undefined;
  }
  if (plan.steps.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('The kernel already matches the lab "{0}": nothing to do.', name));
    return { changes: 0 };
  }
  const apply = vscode.l10n.t('Apply');
  const answer = await ctx.host.showWarningMessage(
    vscode.l10n.t('Apply {0} changes of the lab "{1}" to the kernel?', plan.steps.length, name),
    { modal: true, detail: vscode.l10n.t('The plan is open beside the file. If one step fails, every step done is undone.') },
    apply,
  );
  if (answer !== apply) {
    return undefined;
  }
  const names = labNamespaces(spec, plan.prefix);
  const done = await runOperation(ctx, vscode.l10n.t('Applying the lab "{0}"', name), () => request(ctx, 'batch', { requests: plan.steps }), { names: true, netns: names });
  if (!done) {
    return undefined;
  }
  await ctx.labs.setLab(name, record(ctx, name, plan, ctx.labs.ofLab(name)));
  ctx.log.info(`lab ${name} applied: ${plan.steps.length} changes`);
  void ctx.host.showInformationMessage(vscode.l10n.t('The lab "{0}" is applied: {1} changes.', name, plan.steps.length));
  return { changes: plan.steps.length };
}

/** What the lab has made so far: what it made before (if still the same) and what this plan made. */
function record(ctx: CommandContext, lab: string, plan: LabPlan, before: LabRecord | undefined): LabRecord {
  const inode = (n: string) => ctx.model.get(n)?.inode ?? 0;
  const namespaces = (before?.namespaces ?? []).filter((n) => inode(n.name) === n.inode);
  for (const s of plan.steps) {
    if (s.op === 'addNetns' && !namespaces.some((n) => n.name === s.name)) {
      namespaces.push({ name: s.name, inode: inode(s.name) });
    }
  }
  const ours = (n: string) => namespaces.some((x) => x.name === n);
  const links = (before?.links ?? []).filter((l) => inode(l.netns) === l.inode);
  const addLink = (netns: string | null | undefined, name: string) => {
    if (typeof netns === 'string' && !ours(netns) && !links.some((l) => l.netns === netns && l.name === name)) {
      links.push({ netns, inode: inode(netns), name });
    }
  };
  const files = [...(before?.files ?? [])];
  for (const s of plan.steps) {
    if (s.op === 'addVeth') {
      addLink(s.netns, s.name);
      addLink(s.peerNetns, s.peer);
    } else if (s.op === 'addLink') {
      addLink(s.netns, s.name);
    } else if (s.op === 'setNetnsFile' && !files.some((f) => f.netns === s.netns && f.file === s.file)) {
      files.push({ netns: s.netns, file: s.file });
    }
  }
  return { kind: 'file', lab, prefix: plan.prefix, created: before?.created ?? new Date().toISOString(), namespaces, links, files };
}

// netns.setLinkImpairment
//   (interfaceNode) | ({ netns, name })            one list of every parameter, with the current
//                                                  values: pick one to change it (an InputBox
//                                                  checked as it is typed), then "Apply"
//   ({ netns, name }, { delayMs: 100, ... })        sets exactly these without asking
//   ()                                             asks which interface first
// Returns the setting applied, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import type { Netem } from '../../../core/model';
import { formatRate, NETEM_FIELDS, netemProblem, netemValueProblem, type NetemField } from '../../../core/netem';
import { findInterface } from '../../model/findInterface';
import { netemLabel } from '../../tree/interfaces/interfaceItem';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { pickInterface } from '../pickers';

interface FieldText {
  label: string;
  unit: string;
  prompt: string;
  placeHolder: string;
}

function fieldText(f: NetemField): FieldText {
  switch (f) {
    case 'delayMs':
      return { label: vscode.l10n.t('Delay'), unit: 'ms', prompt: vscode.l10n.t('Delay added to every packet, in milliseconds (empty: none)'), placeHolder: '100' };
    case 'jitterMs':
      return { label: vscode.l10n.t('Jitter'), unit: 'ms', prompt: vscode.l10n.t('Random variation of the delay, in milliseconds (needs a delay; empty: none)'), placeHolder: '10' };
    case 'lossPct':
      return { label: vscode.l10n.t('Loss'), unit: '%', prompt: vscode.l10n.t('Packets dropped, in percent (0 to 100; empty: none)'), placeHolder: '1' };
    case 'duplicatePct':
      return { label: vscode.l10n.t('Duplication'), unit: '%', prompt: vscode.l10n.t('Packets sent twice, in percent (0 to 100; empty: none)'), placeHolder: '1' };
    case 'corruptPct':
      return { label: vscode.l10n.t('Corruption'), unit: '%', prompt: vscode.l10n.t('Packets with a flipped bit, in percent (0 to 100; empty: none)'), placeHolder: '0.1' };
    case 'reorderPct':
      return { label: vscode.l10n.t('Reordering'), unit: '%', prompt: vscode.l10n.t('Packets sent at once, ahead of the delayed ones, in percent (needs a delay; empty: none)'), placeHolder: '25' };
    case 'rateKbit':
      return { label: vscode.l10n.t('Rate'), unit: 'kbit/s', prompt: vscode.l10n.t('Bandwidth limit in kbit/s (1000 = 1 Mbit/s; empty: no limit)'), placeHolder: '1000' };
  }
}

function valueText(f: NetemField, v: number | undefined): string {
  if (v === undefined || v === 0) {
    return vscode.l10n.t('not set');
  }
  return f === 'rateKbit' ? `${v} kbit/s (${formatRate(v)})` : `${v} ${fieldText(f).unit}`;
}

/** The text of an InputBox answer: undefined for empty (not set), a number, or what is wrong. */
export function parseNetemInput(f: NetemField, text: string): { value: number | undefined } | { problem: string } {
  const t = text.trim();
  if (t === '') {
    return { value: undefined };
  }
  const v = Number(t);
  if (!/^-?[0-9]*\.?[0-9]+$/.test(t) || !Number.isFinite(v)) {
    return { problem: vscode.l10n.t('Enter a number, such as {0}, or nothing to leave it out.', fieldText(f).placeHolder) };
  }
  const problem = netemValueProblem(f, v);
  return problem ? { problem } : { value: v };
}

type Item = vscode.QuickPickItem & { field?: NetemField; apply?: boolean };

/** The one-list form: every parameter with its value; returns the setting, or undefined when cancelled. */
async function editNetem(ctx: CommandContext, name: string, start: Netem): Promise<Netem | undefined> {
  const values: Netem = { ...start };
  const title = vscode.l10n.t('Set Link Impairment: {0}', name);
  for (;;) {
    const problem = netemProblem(values);
    const items: Item[] = [
      {
        label: `$(check) ${vscode.l10n.t('Apply')}`,
        description: problem ? undefined : netemLabel(values),
        detail: problem,
        apply: true,
      },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      ...NETEM_FIELDS.map((field): Item => ({ label: fieldText(field).label, description: valueText(field, values[field]), field })),
    ];
    const picked = await ctx.host.showQuickPick(items, {
      title,
      placeHolder: vscode.l10n.t('Choose a parameter to change, then Apply'),
      matchOnDescription: true,
    });
    if (!picked) {
      return undefined;
    }
    if (picked.apply) {
      if (!problem) {
        return values;
      }
      void ctx.host.showErrorMessage(problem);
      continue;
    }
    const field = picked.field!;
    const text = fieldText(field);
    const answer = await ctx.host.showInputBox({
      title: `${title} — ${text.label}`,
      prompt: text.prompt,
      placeHolder: text.placeHolder,
      value: values[field] !== undefined ? String(values[field]) : '',
      validateInput: (v) => {
        const r = parseNetemInput(field, v);
        return 'problem' in r ? r.problem : undefined;
      },
    });
    if (answer === undefined) {
      continue; // back to the list
    }
    const r = parseNetemInput(field, answer);
    if ('value' in r) {
      if (r.value === undefined || r.value === 0) {
        delete values[field];
      } else {
        values[field] = r.value;
      }
    }
  }
}

function netemArg(v: unknown): Netem | undefined {
  if (typeof v !== 'object' || v === null) {
    return undefined;
  }
  const out: Netem = {};
  for (const f of NETEM_FIELDS) {
    const x = (v as Record<string, unknown>)[f];
    if (typeof x === 'number') {
      out[f] = x;
    }
  }
  return out;
}

export async function setLinkImpairment(ctx: CommandContext, arg?: unknown, valuesArg?: unknown): Promise<Netem | undefined> {
  const ref = toInterfaceRef(arg) ?? (await pickInterface(ctx, vscode.l10n.t('Set Link Impairment')));
  if (!ref) {
    return undefined;
  }
  let values = netemArg(valuesArg);
  if (values === undefined) {
    const current = findInterface(ctx.model.get(ref.netns), ref.name)?.netem ?? {};
    values = await editNetem(ctx, ref.name, current);
    if (!values) {
      return undefined;
    }
  }
  const setting = values;
  const done = await runOperation(
    ctx,
    vscode.l10n.t('Setting the link impairment of {0}', ref.name),
    () => request(ctx, 'setNetem', { netns: ref.netns, name: ref.name, ...setting }),
    { netns: [ref.netns] },
  );
  return done ? setting : undefined;
}

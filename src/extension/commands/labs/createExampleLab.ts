// netns.createExampleLab
//   ()                                    asks which lab and the prefix of its namespace names
//   ('router') or ({ lab: 'router', prefix?: 'rt-' })   builds that lab without asking
// Builds the whole lab in one batch request (all of it or, when a step fails, nothing) and
// remembers what it made for "Remove Lab". Returns the lab's record, or undefined.

import * as vscode from 'vscode';
import { EXAMPLE_LABS, exampleLab, type ExampleLab } from '../../../core/labs/examples';
import { labNamespaces, labPrefix, type LabSpec } from '../../../core/labs/lab';
import { labRequests } from '../../../core/labs/labPlan';
import { loadExampleLab } from '../../labs/exampleLabs';
import { validateNamespaceName } from '../../../core/validate';
import type { LabRecord } from '../../labs/labRecords';
import { labDetail, labTitle } from '../../labs/labTitles';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';

export async function createExampleLab(ctx: CommandContext, arg?: unknown): Promise<LabRecord | undefined> {
  const given = typeof arg === 'string' ? { lab: arg } : typeof arg === 'object' && arg !== null && 'lab' in arg ? (arg as { lab: string; prefix?: string }) : undefined;
  let lab: ExampleLab | undefined;
  if (given) {
    lab = exampleLab(given.lab);
    if (!lab) {
      void ctx.host.showErrorMessage(vscode.l10n.t('There is no example lab "{0}". Choose one of: {1}.', given.lab, EXAMPLE_LABS.map((l) => l.id).join(', ')));
      return undefined;
    }
  } else {
    const picked = await ctx.host.showQuickPick(
      EXAMPLE_LABS.map((l) => ({ label: labTitle(l.id), detail: labDetail(l.id), lab: l })),
      { title: vscode.l10n.t('Create Example Lab'), placeHolder: vscode.l10n.t('Choose a lab to build') },
    );
    lab = picked?.lab;
  }
  if (!lab) {
    return undefined;
  }
  await ctx.model.ensureFresh();
  const chosen = lab;
  const spec = loadExampleLab(ctx.extensionUri, chosen);
  const taken = (prefix: string) => labNamespaces(spec, prefix).filter((n) => ctx.model.has(n));
  const prefix = given?.prefix ?? (await askPrefix(ctx, spec, taken));
  if (prefix === undefined) {
    return undefined;
  }
  const requests = labRequests(spec, prefix);
  const names = labNamespaces(spec, prefix);
  const title = vscode.l10n.t('Building the lab "{0}"', labTitle(chosen.id));
  const done = await runOperation(ctx, title, () => request(ctx, 'batch', { requests }), { names: true, netns: names });
  if (!done) {
    return undefined;
  }
  const record: LabRecord = {
    kind: chosen.id,
    prefix,
    created: new Date().toISOString(),
    namespaces: names.map((name) => ({ name, inode: ctx.model.get(name)?.inode ?? 0 })),
  };
  await ctx.labs.add(record);
  ctx.log.info(`lab ${chosen.id} built: ${names.join(', ')}`);
  const [from, to] = chosen.check;
  void ctx.host.showInformationMessage(
    vscode.l10n.t('The lab is ready: {0}. Try it: ip netns exec {1} ping {2}', names.join(', '), `${prefix}${from}`, to),
  );
  return record;
}

/** The prefix of the lab's namespace names: a free one is offered, a taken one is refused. */
async function askPrefix(ctx: CommandContext, lab: LabSpec, taken: (prefix: string) => string[]): Promise<string | undefined> {
  const first = labPrefix(lab);
  let offer = first;
  for (let i = 2; taken(offer).length > 0 && i < 100; i++) {
    offer = `${first.replace(/-$/, '')}${i}-`;
  }
  return ctx.host.showInputBox({
    title: vscode.l10n.t('Create Example Lab'),
    prompt: vscode.l10n.t('Prefix of the lab\'s namespace names (they will be {0})', labNamespaces(lab, '…').join(', ')),
    value: offer,
    validateInput: (prefix) => {
      for (const name of labNamespaces(lab, prefix)) {
        const problem = validateNamespaceName(name);
        if (problem) {
          return problem;
        }
      }
      const clash = taken(prefix);
      return clash.length > 0 ? vscode.l10n.t('{0} already exists. Choose another prefix.', clash.join(', ')) : undefined;
    },
  });
}

// The actions at the top of a lab file: Apply, Diff, Destroy, Export as Shell Script, and how the
// kernel compares with the file; and the schema's description of the key under the pointer.

import * as vscode from 'vscode';
import { describeKeyAt } from '../../core/labs/labSchemaDocs';
import { LAB_FILE_GLOB, type LabFiles, type LabStatus } from './labFiles';

export function labStatusText(status: LabStatus): string {
  switch (status.kind) {
    case 'problems':
      return vscode.l10n.t('{0} problems in the file', status.count);
    case 'notApplied':
      return vscode.l10n.t('not applied');
    case 'applied':
      return vscode.l10n.t('applied: the kernel matches');
    case 'drift':
      return vscode.l10n.t('drift: {0} changes to apply', status.changes);
    case 'conflict':
      return vscode.l10n.t('{0} conflicts with the kernel', status.count);
    case 'unknown':
      return vscode.l10n.t('kernel state not read yet');
  }
}

class LabCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly files: LabFiles) {
    this.onDidChangeCodeLenses = files.onDidChange;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const args = [doc.uri];
    const status = this.files.get(doc.uri)?.status;
    return [
      new vscode.CodeLens(top, { title: `$(play) ${vscode.l10n.t('Apply')}`, command: 'netns.applyLab', arguments: args }),
      new vscode.CodeLens(top, { title: `$(diff) ${vscode.l10n.t('Diff')}`, command: 'netns.diffLab', arguments: args }),
      new vscode.CodeLens(top, { title: `$(trash) ${vscode.l10n.t('Destroy')}`, command: 'netns.destroyLab', arguments: args }),
      new vscode.CodeLens(top, { title: `$(terminal) ${vscode.l10n.t('Export as Shell Script')}`, command: 'netns.exportLabScript', arguments: args }),
      ...(status ? [new vscode.CodeLens(top, { title: labStatusText(status), command: '' })] : []),
    ];
  }
}

export function labCodeLens(files: LabFiles): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider({ pattern: LAB_FILE_GLOB }, new LabCodeLensProvider(files));
}

/** Hover docs from the lab schema (the YAML extension, when installed, gives its own). */
export function labHover(): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    { pattern: LAB_FILE_GLOB },
    {
      provideHover(doc, position) {
        if (vscode.extensions.getExtension('redhat.vscode-yaml')) {
          return undefined;
        }
        const found = describeKeyAt(doc.getText(), doc.offsetAt(position));
        return found && new vscode.Hover(new vscode.MarkdownString().appendMarkdown(`**${found.key}**\n\n`).appendText(found.description));
      },
    },
  );
}

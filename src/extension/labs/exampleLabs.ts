// The example labs' files, read from the extension's own examples/labs/ folder.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { exampleSpec, type ExampleLab } from '../../core/labs/examples';
import type { LabSpec } from '../../core/labs/lab';

export function exampleLabUri(extensionUri: vscode.Uri, lab: ExampleLab): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'examples', 'labs', lab.file);
}

export function loadExampleLab(extensionUri: vscode.Uri, lab: ExampleLab): LabSpec {
  return exampleSpec(lab, fs.readFileSync(exampleLabUri(extensionUri, lab).fsPath, 'utf8'));
}

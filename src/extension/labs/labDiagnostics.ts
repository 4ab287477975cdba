// Lab files' problems as diagnostics, with their line and column. Schema errors come from the
// YAML extension when it is installed (the manifest gives it the schema: it also completes and
// explains); the lab's own checks, which no schema can make, always come from here.

import * as vscode from 'vscode';
import type { LabFiles } from './labFiles';

const YAML_EXTENSION = 'redhat.vscode-yaml';

export function labDiagnostics(files: LabFiles): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('netns-lab');
  const update = () => {
    const yaml = vscode.extensions.getExtension(YAML_EXTENSION) !== undefined;
    void files.all().then((all) => {
      collection.clear();
      for (const f of all) {
        const diagnostics = f.parsed.problems
          .filter((p) => !(yaml && p.source === 'schema'))
          .map((p) => {
            const d = new vscode.Diagnostic(
              new vscode.Range(p.range.start.line, p.range.start.column, p.range.end.line, p.range.end.column),
              p.message,
              p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
            );
            d.source = 'netns lab';
            return d;
          });
        collection.set(f.uri, diagnostics);
      }
    });
  };
  const sub = files.onDidChange(update);
  update();
  return vscode.Disposable.from(collection, sub);
}

// The lab files of the workspace (`*.netns.yaml`): each one's text (an open editor's, unsaved
// edits included), what parsing and checking found, and how the kernel compares with it. The one
// owner of that state: the Labs group of the view, the CodeLens and the diagnostics read it here.

import * as vscode from 'vscode';
import { labNamespaces, labPrefix } from '../../core/labs/lab';
import { parseLabFile, type ParsedLab } from '../../core/labs/labFile';
import { planLab, type LabPlan } from '../../core/labs/labPlan';
import type { NamespaceStore } from '../model/namespaceStore';
import { kernelView } from './kernelView';

export const LAB_FILE_GLOB = '**/*.netns.yaml';
export const isLabFile = (uri: vscode.Uri) => uri.path.endsWith('.netns.yaml');

export type LabStatus =
  | { kind: 'problems'; count: number }
  /** None of its namespaces is there. */
  | { kind: 'notApplied' }
  | { kind: 'applied' }
  /** The kernel differs: `changes` requests would bring it back. */
  | { kind: 'drift'; changes: number }
  | { kind: 'conflict'; count: number }
  /** The helper is not up: the namespaces' insides are not known. */
  | { kind: 'unknown' };

export interface LabFile {
  uri: vscode.Uri;
  parsed: ParsedLab;
  status: LabStatus;
}

/** How the kernel compares with a lab: the plan, and what it means. */
export function labState(parsed: ParsedLab, model: NamespaceStore): { status: LabStatus; plan?: LabPlan } {
  const errors = parsed.problems.filter((p) => p.severity === 'error').length;
  if (!parsed.spec || errors > 0) {
    return { status: { kind: 'problems', count: errors } };
  }
  const names = labNamespaces(parsed.spec);
  if (names.some((n) => model.get(n)?.unprivileged) || !model.loaded) {
    return { status: { kind: 'unknown' } };
  }
  const plan = planLab(parsed.spec, kernelView(model), labPrefix(parsed.spec));
  if (plan.conflicts.length > 0) {
    return { status: { kind: 'conflict', count: plan.conflicts.length }, plan };
  }
  if (plan.existing.length === 0) {
    return { status: { kind: 'notApplied' }, plan };
  }
  return { status: plan.steps.length === 0 ? { kind: 'applied' } : { kind: 'drift', changes: plan.steps.length }, plan };
}

export class LabFiles implements vscode.Disposable {
  private readonly files = new Map<string, LabFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private statusTimer: NodeJS.Timeout | undefined;
  private scanned: Promise<void> | undefined;

  constructor(private readonly model: NamespaceStore) {
    const watcher = vscode.workspace.createFileSystemWatcher(LAB_FILE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => void this.load(u)),
      watcher.onDidChange((u) => void this.load(u)),
      watcher.onDidDelete((u) => this.forget(u)),
      vscode.workspace.onDidChangeTextDocument((e) => isLabFile(e.document.uri) && this.update(e.document.uri, e.document.getText())),
      vscode.workspace.onDidOpenTextDocument((d) => isLabFile(d.uri) && this.update(d.uri, d.getText())),
      // An editor closed without saving: the file's own text counts again.
      vscode.workspace.onDidCloseTextDocument((d) => isLabFile(d.uri) && void this.load(d.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scan()),
      { dispose: model.onDidChange(() => this.statusSoon()).dispose },
    );
  }

  /** Every lab file, found once the first time it is asked. */
  async all(): Promise<LabFile[]> {
    this.scanned ??= this.scan().then(() => this.changed.fire());
    await this.scanned;
    return [...this.files.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  /** The lab files found so far (the first call starts the search; a change follows when it is done). */
  known(): LabFile[] {
    this.scanned ??= this.scan().then(() => this.changed.fire());
    return [...this.files.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  get(uri: vscode.Uri): LabFile | undefined {
    return this.files.get(uri.toString());
  }

  /** The file as it is now (an open editor's text), parsed. */
  async read(uri: vscode.Uri): Promise<LabFile> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    return this.update(uri, text);
  }

  private async scan(): Promise<void> {
    const found = await vscode.workspace.findFiles(LAB_FILE_GLOB, '**/node_modules/**', 500);
    await Promise.all(found.map((u) => this.load(u)));
    for (const d of vscode.workspace.textDocuments.filter((doc) => isLabFile(doc.uri))) {
      this.update(d.uri, d.getText());
    }
  }

  private async load(uri: vscode.Uri): Promise<void> {
    try {
      await this.read(uri);
    } catch {
      this.forget(uri);
    }
  }

  private update(uri: vscode.Uri, text: string): LabFile {
    const parsed = parseLabFile(text);
    const file: LabFile = { uri, parsed, status: labState(parsed, this.model).status };
    this.files.set(uri.toString(), file);
    this.changed.fire();
    return file;
  }

  private forget(uri: vscode.Uri): void {
    if (this.files.delete(uri.toString())) {
      this.changed.fire();
    }
  }

  /** The kernel changed: each lab's status again, once the changes settle. */
  private statusSoon(): void {
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => {
      let any = false;
      for (const f of this.files.values()) {
        const status = labState(f.parsed, this.model).status;
        if (JSON.stringify(status) !== JSON.stringify(f.status)) {
          f.status = status;
          any = true;
        }
      }
      if (any) {
        this.changed.fire();
      }
    }, 150);
  }

  dispose(): void {
    clearTimeout(this.statusTimer);
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

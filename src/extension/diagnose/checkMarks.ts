// The marks of the last connectivity check on the tree's rows: each namespace and interface on the
// way gets a badge (✓ on the way, ✗ where the check found what stops the packet) through a file
// decoration of the row's resourceUri. The next check replaces them; "Clear Check Marks" removes them.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../core/model';
import { netnsKey } from '../model/netnsKey';

export const ROW_SCHEME = 'netns-row';

/** The resourceUri of a namespace row (no name) or an interface row: the same wherever the row is drawn. */
export function rowUri(netns: NetnsRef, name?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ROW_SCHEME, path: `/${encodeURIComponent(netnsKey(netns))}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}` });
}

export interface RowMark {
  netns: NetnsRef;
  name?: string;
  problem: boolean;
}

export class CheckMarks implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private marks = new Map<string, { mark: RowMark; summary: string }>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.window.registerFileDecorationProvider(this);
  }

  /** Replaces the marks with those of a check (`summary`: what the check found, for the tooltip). */
  set(marks: readonly RowMark[], summary: string): void {
    const before = [...this.marks.keys()];
    this.marks = new Map(marks.map((m) => [rowUri(m.netns, m.name).toString(), { mark: m, summary }]));
    this.fire([...before, ...this.marks.keys()]);
  }

  clear(): number {
    const before = [...this.marks.keys()];
    this.marks.clear();
    this.fire(before);
    return before.length;
  }

  /** The rows marked now. */
  current(): RowMark[] {
    return [...this.marks.values()].map((m) => m.mark);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ROW_SCHEME) {
      return undefined;
    }
    const m = this.marks.get(uri.toString());
    if (!m) {
      return undefined;
    }
    return m.mark.problem
      ? new vscode.FileDecoration('✗', vscode.l10n.t('Last connectivity check: stops here. {0}', m.summary), new vscode.ThemeColor('list.errorForeground'))
      : new vscode.FileDecoration('✓', vscode.l10n.t('Last connectivity check: on the way. {0}', m.summary), new vscode.ThemeColor('testing.iconPassed'));
  }

  private fire(keys: string[]): void {
    if (keys.length > 0) {
      this.changed.fire([...new Set(keys)].map((k) => vscode.Uri.parse(k)));
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

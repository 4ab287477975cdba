// The seam between command logic and the window: every prompt, message, progress and clipboard
// access goes through a Host, so tests can answer prompts themselves and read what was shown.

import * as vscode from 'vscode';

export interface Host {
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(
    items: readonly T[] | Thenable<readonly T[]>,
    options: vscode.QuickPickOptions & { canPickMany?: false },
  ): Thenable<T | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  withProgress<R>(
    options: vscode.ProgressOptions,
    task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
  ): Thenable<R>;
  readonly clipboard: { writeText(text: string): Thenable<void> };
}

/** The real window. */
export const windowHost: Host = {
  showInputBox: (options) => vscode.window.showInputBox(options),
  showQuickPick: (items, options) => vscode.window.showQuickPick(items, options),
  showWarningMessage: (message, options, ...items) => vscode.window.showWarningMessage(message, options, ...items),
  showErrorMessage: (message, ...items) => vscode.window.showErrorMessage(message, ...items),
  showInformationMessage: (message, ...items) => vscode.window.showInformationMessage(message, ...items),
  withProgress: (options, task) => vscode.window.withProgress(options, task),
  clipboard: { writeText: (text) => vscode.env.clipboard.writeText(text) },
};

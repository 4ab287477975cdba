// Helpers for tooltips: names are data and may hold any character, so they are escaped.

import * as vscode from 'vscode';

/** Escapes Markdown syntax characters so text shows literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&$]/g, (c) => `\\${c}`);
}

/** `code` with backticks in the text handled. */
export function codeSpan(text: string): string {
  const fence = text.includes('`') ? '`` ' : '`';
  return `${fence}${text}${fence.split('').reverse().join('')}`;
}

export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** A tooltip whose only trusted command links are the ones listed. */
export function markdown(enabledCommands: string[] = []): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = enabledCommands.length > 0 ? { enabledCommands } : false;
  md.supportHtml = false;
  return md;
}

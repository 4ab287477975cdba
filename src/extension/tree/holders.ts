// What keeps a namespace alive besides its processes, as the tooltips list it.

import * as vscode from 'vscode';
import type { ProcessNamespace } from '../../core/model';
import { holderText } from '../labels';
import { codeSpan, escapeMarkdown } from './markdown';

/** The "Held by" list of a namespace's tooltip: bind mounts, descriptors (with their numbers where known), threads. */
export function appendHolders(md: vscode.MarkdownString, pns: ProcessNamespace): void {
  if (!pns.holders?.length) {
    return;
  }
  md.appendMarkdown(`\n${escapeMarkdown(vscode.l10n.t('Held by'))}:\n\n`);
  for (const h of pns.holders) {
    let text: string;
    if (h.kind === 'mount') {
      text = `${escapeMarkdown(vscode.l10n.t('bind mount'))} ${codeSpan(h.path)}${h.pid === undefined ? '' : ` ${escapeMarkdown(vscode.l10n.t('(mount namespace of PID {0})', String(h.pid)))}`}`;
    } else if (h.kind === 'fd' && h.fds?.length) {
      text = `${escapeMarkdown(holderText(h))}, ${escapeMarkdown(vscode.l10n.t('descriptor {0}', h.fds.join(', ')))}`;
    } else {
      text = escapeMarkdown(holderText(h));
    }
    md.appendMarkdown(`- ${text}\n`);
  }
}

// Words for model data that the tree, the pickers and the messages show alike.

import * as vscode from 'vscode';
import type { Address, NetnsRef, NotNamespace } from '../core/model';

/** A namespace's name, or the translated "host" for the root namespace. */
export function netnsDisplayName(ns: NetnsRef): string {
  return ns === null ? vscode.l10n.t('host') : ns;
}

export function formatAddress(a: Address): string {
  return `${a.address}/${a.prefixLen}`;
}

export function interfaceCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 interface') : vscode.l10n.t('{0} interfaces', n);
}

export function processCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 process') : vscode.l10n.t('{0} processes', n);
}

/** What a name in /run/netns is when it is not a namespace, in the user's words. */
export function notNamespaceText(kind: NotNamespace): string {
  switch (kind) {
    case 'file':
      return vscode.l10n.t('a file, not a namespace');
    case 'directory':
      return vscode.l10n.t('a folder, not a namespace');
    default:
      return vscode.l10n.t('not a namespace');
  }
}

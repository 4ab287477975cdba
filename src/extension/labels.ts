// Words for model data that the tree, the pickers and the messages show alike.

import * as vscode from 'vscode';
import type { Address, NetnsRef } from '../core/model';

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

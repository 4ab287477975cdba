// Words for model data that the tree, the pickers and the messages show alike.

import * as vscode from 'vscode';
import type { Address, ContainerInfo, ContainerRuntime, NamespaceHolder, NetnsRef, NotNamespace } from '../core/model';

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

const RUNTIMES: Record<ContainerRuntime, string> = { docker: 'Docker', podman: 'Podman', containerd: 'containerd', 'cri-o': 'CRI-O' };

/** The runtime as its makers write it. */
export function runtimeName(runtime: ContainerRuntime): string {
  return RUNTIMES[runtime] ?? runtime;
}

/** A container by the name a person knows it by: its name, its pod, or the start of its id. */
export function containerName(c: ContainerInfo): string {
  return c.name ?? c.pod ?? c.id.slice(0, 12);
}

/** "web (Docker)". */
export function containerLabel(c: ContainerInfo): string {
  return vscode.l10n.t('{0} ({1})', containerName(c), runtimeName(c.runtime));
}

/** What holds a namespace, in a few words: the path, or the process (and thread) keeping it. */
export function holderText(h: NamespaceHolder): string {
  switch (h.kind) {
    case 'mount':
      return h.pid === undefined ? h.path : vscode.l10n.t('{0} (mount namespace of PID {1})', h.path, String(h.pid));
    case 'fd':
      return vscode.l10n.t('open in PID {0} ({1})', String(h.pid), h.command);
    case 'thread':
      return vscode.l10n.t('thread {0} of PID {1} ({2})', String(h.tid), String(h.pid), h.command);
  }
}

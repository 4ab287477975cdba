// The extension's settings, read where they are used so a change applies at once.

import * as vscode from 'vscode';
import type { PrivilegeMethod } from '../client/types';

function clampWhole(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('netns');
}

export const config = {
  privilegeMethod(): PrivilegeMethod {
    const v = section().get<string>('privilege.method', 'auto');
    return v === 'pkexec' || v === 'sudo' ? v : 'auto';
  },
  askPassword(): boolean {
    return section().get<boolean>('privilege.askPassword', false);
  },
  terminalUser(): 'me' | 'root' {
    return section().get<string>('terminal.user', 'me') === 'root' ? 'root' : 'me';
  },
  terminalShell(): string {
    return section().get<string>('terminal.shell', '').trim();
  },
  showUnnamed(): boolean {
    return section().get<boolean>('view.showUnnamedNamespaces', true);
  },
  showLoopback(): boolean {
    return section().get<boolean>('view.showLoopback', true);
  },
  /** Where capture files go: relative to the first workspace folder, or absolute. */
  captureFolder(): string {
    return section().get<string>('capture.folder', '.netns-captures');
  },
  captureMaxMegabytes(): number {
    return clampWhole(section().get<number>('capture.maxMegabytes', 100), 1, 2048, 100);
  },
  captureMaxSeconds(): number {
    return clampWhole(section().get<number>('capture.maxSeconds', 600), 1, 86400, 600);
  },
};

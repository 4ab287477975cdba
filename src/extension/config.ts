// The extension's settings, read where they are used so a change applies at once.

import * as vscode from 'vscode';
import type { PrivilegeMethod } from '../client/types';

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
};

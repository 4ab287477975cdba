// The one place the extension makes a NetnsClient. The helper is dist/helper.js in this
// extension's folder and runs on VS Code's own runtime (process.execPath; the client sets
// ELECTRON_RUN_AS_NODE for it).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { createClient, type AskpassProvider, type ClientOptions } from '../client/client';
import type { NetnsClient } from '../client/types';
import { config } from './config';
import type { Host } from './host';
import type { Log } from './log';

export function makeClient(extensionPath: string, log: Log, host: () => Host, options: Pick<ClientOptions, 'installedLauncher' | 'unprivileged'> = {}): NetnsClient {
  return createClient({
    helperPath: path.join(extensionPath, 'dist', 'helper.js'),
    nodePath: process.execPath,
    method: config.privilegeMethod(),
    askpass: config.askPassword() ? passwordBox(host) : undefined,
    log: log.write,
    ...options,
  });
}

/** sudo's password prompt as a VS Code password box (used only with netns.privilege.askPassword). */
function passwordBox(host: () => Host): AskpassProvider {
  return {
    askPassword: async (prompt) =>
      host().showInputBox({
        title: vscode.l10n.t('Network Namespaces: administrator password'),
        prompt: vscode.l10n.t('sudo asks: {0}', prompt.trim()),
        password: true,
        ignoreFocusOut: true,
      }),
  };
}

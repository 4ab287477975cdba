// Mirrors the helper's state into context keys for the view's welcome content and menus:
//   netns.helperState   = stopped | starting | running | failed
//   netns.helperFailure = the LaunchError's failure kind (cancelled, not-authorized, ...) or ''

import * as vscode from 'vscode';
import type { HelperState, NetnsClient } from '../client/types';

export function trackHelperState(client: NetnsClient): vscode.Disposable {
  const set = (s: HelperState) => {
    void vscode.commands.executeCommand('setContext', 'netns.helperState', s.kind);
    void vscode.commands.executeCommand('setContext', 'netns.helperFailure', s.kind === 'failed' ? s.error.failure : '');
  };
  set(client.state);
  return client.onStateChange(set);
}

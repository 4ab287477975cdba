// Mirrors the helper's state into context keys for the view's welcome content and menus:
//   netns.helperState   = stopped | starting | running | failed
//   netns.helperFailure = the LaunchError's failure kind (cancelled, not-authorized, ...) or ''
//   netns.helperMayAsk  = whether starting it may ask for a password (not when VS Code runs as root)
//   netns.helperHasRun  = whether it ran in this window: before, "stopped" only means that showing
//                         the view is about to start it, and the welcome text for a stopped helper
//                         would only flash

import * as vscode from 'vscode';
import type { HelperState, NetnsClient } from '../client/types';

export function trackHelperState(client: NetnsClient): vscode.Disposable {
  let hasRun = false;
  const set = (s: HelperState) => {
    if (s.kind === 'running' && !hasRun) {
      hasRun = true;
      void vscode.commands.executeCommand('setContext', 'netns.helperHasRun', true);
    }
    void vscode.commands.executeCommand('setContext', 'netns.helperState', s.kind);
    void vscode.commands.executeCommand('setContext', 'netns.helperFailure', s.kind === 'failed' ? s.error.failure : '');
  };
  set(client.state);
  // As root the start asks nothing and takes a tenth of a second: the view shows its progress bar
  // (the tree's first look) instead of a "starting" text that would only flash.
  void vscode.commands.executeCommand('setContext', 'netns.helperMayAsk', process.getuid?.() !== 0);
  return client.onStateChange(set);
}

// The line at the top of the tree that says what the view shows when it is not the helper's full
// picture: painted without root while the helper starts or after it could not start, or left from
// a helper that stopped.

import * as vscode from 'vscode';
import type { HelperState } from '../../client/types';
import type { NamespaceStore } from '../model/namespaceStore';
import type { ReadRouter } from '../model/readRouter';

export function viewMessage(state: HelperState, model: NamespaceStore, router: ReadRouter): string | undefined {
  if (!model.loaded) {
    return undefined; // the welcome content says what is going on
  }
  if (router.readsWithoutRoot) {
    if (state.kind === 'failed') {
      return vscode.l10n.t('Read-only: {0} Run "Start Helper" from the view\'s menu to see inside the namespaces.', state.error.message);
    }
    return vscode.l10n.t('Showing what can be read without root while the helper starts (it may be asking for a password).');
  }
  if (state.kind === 'stopped') {
    return vscode.l10n.t('The helper stopped, so this view may be out of date. Refresh to start it again.');
  }
  return undefined;
}

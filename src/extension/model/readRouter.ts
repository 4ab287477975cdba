// Where the model's reads go. Once the privileged helper runs, to it. Before that (while it starts
// and the user is asked for a password, or after that start failed or was cancelled) to a helper
// started as the user, without any authentication: it reads what needs no root (names and ids of
// the namespaces, the host's interfaces, the processes the user can see), so the view is painted
// at once and stays useful read-only. When VS Code runs as root there is nothing to wait for.

import type { NetnsClient } from '../../client/types';
import type { Op, Params, Result } from '../../core/operations';
import type { Disposable } from './emitter';

export class ReadRouter implements Pick<NetnsClient, 'request'>, Disposable {
  private readOnly: NetnsClient | undefined;
  /** Set once the privileged helper ran: after that a stopped helper is started again by a read. */
  private ran = false;
  private readonly subscription: Disposable;

  constructor(
    private readonly privileged: NetnsClient,
    private readonly makeReadOnly: (() => NetnsClient) | undefined,
  ) {
    this.subscription = privileged.onStateChange((s) => {
      if (s.kind === 'running') {
        this.ran = true;
        this.readOnly?.dispose();
        this.readOnly = undefined;
      }
    });
  }

  /** True while reads go to the helper without root (the model then shows only what it can read). */
  get readsWithoutRoot(): boolean {
    const kind = this.privileged.state.kind;
    return this.makeReadOnly !== undefined && (kind === 'starting' || kind === 'failed' || (kind === 'stopped' && !this.ran));
  }

  request<O extends Op>(op: O, params: Params<O>): Promise<Result<O>> {
    if (!this.readsWithoutRoot) {
      return this.privileged.request(op, params);
    }
    this.readOnly ??= this.makeReadOnly!();
    return this.readOnly.request(op, params);
  }

  dispose(): void {
    this.subscription.dispose();
    this.readOnly?.dispose();
  }
}

// Keeps the model live while the view is visible: showing it starts the helper if needed (painting
// what needs no root meanwhile), turns change events on and reads what was missed; hiding it turns
// them off. Also keeps the model in step with the helper: read-only (or cleared, without a read-only
// source) when it could not start, due a full read after it stopped.

import type { HelperState, NetnsClient } from '../../client/types';
import type { Disposable } from './emitter';
import type { NamespaceStore, StoreLog } from './namespaceStore';
import type { ReadRouter } from './readRouter';

export class ViewActivation implements Disposable {
  private visible = false;
  /** Set while setVisible starts the helper: that start reads by itself. */
  private starting = false;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly client: NetnsClient,
    private readonly model: NamespaceStore,
    private readonly log: StoreLog,
    /** Where the model reads before the helper runs (see readRouter.ts); none: it waits for the helper. */
    private readonly router?: ReadRouter,
  ) {
    this.subscriptions = [
      // While hidden, change events are not acted on.
      client.onEvent((e) => (this.visible ? model.applyEvent(e) : model.markStale())),
      client.onStateChange((s) => this.onHelperState(s)),
    ];
  }

  /**
   * The view became visible (true) or hidden (false). Becoming visible starts the helper if needed,
   * asks it to watch, and reads everything once when events were missed.
   */
  async setVisible(visible: boolean): Promise<void> {
    this.visible = visible;
    if (!visible) {
      // Nothing looks at the tree: let the helper stop watching the kernel too.
      this.model.markStale();
      void this.client.setWatching(false);
      return;
    }
    const state = this.client.state.kind;
    if (state === 'failed') {
      // The user retries through "Start Helper"; do not prompt again on every look. What needs no
      // root is still shown.
      if (this.router?.readsWithoutRoot) {
        await this.model.ensureFresh();
      }
      return;
    }
    let painted = false;
    try {
      if (state !== 'running') {
        this.starting = true;
        // Paint from what needs no root while the start may wait for a password.
        painted = !!this.router?.readsWithoutRoot;
        const paint = painted ? this.model.ensureFresh() : undefined;
        try {
          await this.client.start();
        } finally {
          this.starting = false;
        }
        await paint;
      }
      await this.watch();
    } catch (e) {
      this.logWatchFailure(e);
      return;
    }
    // What was painted without root is replaced by the helper's full read.
    await (painted ? this.model.refresh() : this.model.ensureFresh());
  }

  private onHelperState(s: HelperState): void {
    if (s.kind === 'running') {
      // This is for restarts made by other requests; the client has already asked the new helper
      // to watch, and the read waits for that answer so no change falls between the two.
      if (this.visible && !this.starting) {
        this.watch().then(
          () => this.model.refresh(),
          (e: unknown) => this.logWatchFailure(e),
        );
      }
    } else if (s.kind === 'failed') {
      if (this.router?.readsWithoutRoot && this.visible) {
        // Stays useful read-only (the tree says why at its top); empty, it shows the welcome content.
        void this.model.ensureFresh();
      } else {
        this.model.clear(); // the view shows its welcome content, which says what to do
      }
    } else if (s.kind === 'stopped') {
      // Died or was closed: keep what is shown; the next request starts a new helper, and
      // events missed meanwhile make the next look read everything.
      this.model.markStale();
    }
  }

  private async watch(): Promise<void> {
    const answer = await this.client.setWatching(true);
    if (answer && !answer.kernelEvents) {
      this.log('warn', 'The helper cannot see kernel link events here; only namespace additions and removals update the view live.');
    }
  }

  private logWatchFailure(e: unknown): void {
    this.log('error', `Could not start watching: ${e instanceof Error ? e.message : String(e)}`);
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

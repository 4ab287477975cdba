// Keeps the model live while the view is visible: showing it starts the helper if needed (painting
// what needs no root meanwhile, or the names first), turns change events on and reads what was
// missed; hiding it turns them off. Also keeps the model in step with the helper: read-only (or
// cleared, without a read-only source) when it could not start, due a full read after it stopped.
// A helper that stops while the view is visible is started again by itself, so live updates
// resume without a refresh (the client asks the new helper to watch; see onHelperState).

import type { HelperState, NetnsClient } from '../../client/types';
import type { Disposable } from './emitter';
import type { NamespaceStore, StoreLog } from './namespaceStore';
import type { ReadRouter } from './readRouter';

/** How long after a helper stopped it is started again, while the view is visible. */
export const RESTART_DELAY_MS = 500;
/** A helper that stops sooner than this after it started is not started again by itself (no loop). */
export const MIN_UPTIME_MS = 3000;
/** How long a first look stays open for the model to have something to show (firstLook). */
export const FIRST_LOOK_MS = 2000;

export class ViewActivation implements Disposable {
  private visible = false;
  /** Set while setVisible starts the helper: that start reads by itself. */
  private starting = false;
  private runningSince = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** The first look while it is open: what settles, and what ends it (see firstLook). */
  private look: { settled: Promise<void>; end: () => void } | undefined;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly client: NetnsClient,
    private readonly model: NamespaceStore,
    private readonly log: StoreLog,
    /** Where the model reads before the helper runs (see readRouter.ts); none: it waits for the helper. */
    private readonly router?: ReadRouter,
    private readonly timing = { restartDelayMs: RESTART_DELAY_MS, minUptimeMs: MIN_UPTIME_MS, firstLookMs: FIRST_LOOK_MS },
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
    const ended = this.model.loaded ? undefined : this.beginLook();
    try {
      await this.show();
    } finally {
      ended?.();
    }
  }

  /**
   * While the view is shown with nothing in the model and a read is on its way: settles once the
   * model has something to show, or that look ended without, or after FIRST_LOOK_MS (then the
   * welcome content shows while the start goes on). The tree's top level waits for it
   * (topLevelAsked; VS Code shows its progress bar meanwhile) rather than answering empty: an
   * empty answer shows the welcome content, meant for a helper that cannot start, until rows
   * replace it, and VS Code drew those replacing rows later than rows it had waited for.
   */
  get firstLook(): Promise<void> | undefined {
    return this.look?.settled;
  }

  /**
   * The tree's top level is asked for: the first look, opened here when nothing is loaded yet.
   * VS Code may ask for a view's rows before it tells the extension that the view is shown (both
   * messages go out as the view opens, in either order); setVisible then joins this look. None
   * once the helper could not start: the welcome content says what to do.
   */
  topLevelAsked(): Promise<void> | undefined {
    if (!this.look && !this.model.loaded && !this.disposed && this.client.state.kind !== 'failed') {
      this.beginLook();
    }
    return this.look?.settled;
  }

  /** Opens the first look, or joins the one open; returns what ends it. */
  private beginLook(): () => void {
    if (this.look) {
      return this.look.end;
    }
    let end!: () => void;
    const settled = new Promise<void>((resolve) => {
      // Loaded, not merely changed: an event applied to the empty model changes it with nothing to show.
      const changed = this.model.onDidChange(() => {
        if (this.model.loaded) {
          end();
        }
      });
      const timer = setTimeout(() => end(), this.timing.firstLookMs);
      end = () => {
        clearTimeout(timer);
        changed.dispose();
        if (this.look?.settled === settled) {
          this.look = undefined;
        }
        resolve();
      };
    });
    this.look = { settled, end };
    return end;
  }

  private async show(): Promise<void> {
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
      // With nothing painted while it started (as root), the names and ids first: they come in
      // a few milliseconds, the full read below in hundreds at a thousand namespaces. Asked before
      // the watch, not beside it: setting up the watch at ten thousand namespaces holds the helper
      // for most of a second. The full read follows the watch, so nothing falls between.
      if (!painted) {
        await this.model.paintIds();
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
      this.runningSince = Date.now();
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
      // Died or was closed: keep what is shown; events missed meanwhile make the next look read
      // everything. While someone looks, a new helper is started right away; its watch and full
      // read follow from 'running' above.
      this.model.markStale();
      this.restartSoon();
    }
  }

  /** Starts the helper again after it stopped, while the view is visible, unless it keeps dying. */
  private restartSoon(): void {
    if (!this.visible || this.disposed || this.restartTimer) {
      return;
    }
    const uptime = Date.now() - this.runningSince;
    if (uptime < this.timing.minUptimeMs) {
      this.log('warn', `The helper stopped ${uptime} ms after it started; it is started again on the next request or refresh.`);
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.visible && !this.disposed && this.client.state.kind === 'stopped') {
        this.log('info', 'The helper stopped while the view is shown; starting it again.');
        this.client.start().catch((e: unknown) => this.log('error', `Starting the helper again failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }, this.timing.restartDelayMs);
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
    this.disposed = true;
    this.look?.end();
    clearTimeout(this.restartTimer);
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

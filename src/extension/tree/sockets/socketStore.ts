// The sockets of each namespace, for the tree's counts and "Listening" groups. Never part of the
// snapshot: read over readSockets after the tree is drawn, in the background (a few namespaces at
// a time, at most BACKGROUND_MAX of them), when a "Listening" group is expanded, and again after
// process events in namespaces already read. Only while the helper runs: a background read never
// starts one (and so never asks for a password).

import type { NetnsClient } from '../../../client/types';
import { isListening } from '../../../core/inspect/format';
import type { SocketsResult } from '../../../core/inspect/types';
import type { NetnsRef } from '../../../core/model';
import { Emitter, type Disposable } from '../../model/emitter';
import type { ModelChange, NamespaceStore } from '../../model/namespaceStore';
import { netnsKey } from '../../model/netnsKey';

/** Namespaces read at once. */
const CONCURRENCY = 2;
/** Namespaces read in the background after the tree is drawn; the rest when expanded. */
const BACKGROUND_MAX = 200;
/** How long after the tree is drawn the background reads start. */
const BACKGROUND_DELAY_MS = 1000;
/** A namespace is read again after process events at most this often. */
const PROCESS_REFRESH_MS = 2000;

interface Entry {
  netns: NetnsRef;
  result?: SocketsResult;
  error?: string;
  at: number;
}

/**
 * What the tree shows of an entry: each listening socket with its processes (rows show the count
 * of those; the total, which every connection changes, only in the tooltip, read when it shows).
 */
function signature(e: Entry | undefined): string {
  if (e?.error !== undefined) {
    return `error:${e.error}`;
  }
  return (e?.result?.sockets ?? [])
    .filter(isListening)
    .map((s) => `${s.protocol}${s.family} ${s.local}:${s.localPort} ${s.inode} ${s.owners.map((o) => `${o.pid}/${o.command}`).join(',')}`)
    .sort()
    .join('|');
}

export class SocketStore implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiters: (() => void)[] = [];
  private backgroundTimer: ReturnType<typeof setTimeout> | undefined;
  /** Namespaces to read again after process events, and when. */
  private readonly processWork = new Map<string, NetnsRef>();
  private processTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new Emitter<NetnsRef[]>();
  private readonly subscription: Disposable;
  private disposed = false;

  /** Namespaces whose sockets were read again (or forgotten). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: Pick<NetnsClient, 'request' | 'state'>,
    private readonly model: NamespaceStore,
  ) {
    this.subscription = model.onDidChange((c) => this.onModelChange(c));
  }

  get(netns: NetnsRef): SocketsResult | undefined {
    return this.entries.get(netnsKey(netns))?.result;
  }

  error(netns: NetnsRef): string | undefined {
    return this.entries.get(netnsKey(netns))?.error;
  }

  /** Reads the namespace's sockets when what is held is older than maxAgeMs (and the helper runs). */
  refresh(netns: NetnsRef, maxAgeMs = 0): Promise<void> {
    const key = netnsKey(netns);
    const e = this.entries.get(key);
    if (e && Date.now() - e.at <= maxAgeMs) {
      return Promise.resolve();
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.read(netns).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** After the tree is drawn: the namespaces not read yet, in the background. */
  scheduleBackground(): void {
    if (this.backgroundTimer || this.disposed) {
      return;
    }
    this.backgroundTimer = setTimeout(() => {
      this.backgroundTimer = undefined;
      if (this.client.state.kind !== 'running') {
        return;
      }
      const all: NetnsRef[] = [...(this.model.root ? [null] : []), ...this.model.names()];
      for (const ns of all.slice(0, BACKGROUND_MAX)) {
        const m = this.model.get(ns);
        if (m && !m.error && !m.notNamespace && !m.unprivileged && !this.entries.has(netnsKey(ns))) {
          void this.refresh(ns);
        }
      }
    }, BACKGROUND_DELAY_MS);
  }

  private async read(netns: NetnsRef): Promise<void> {
    if (this.client.state.kind !== 'running') {
      return;
    }
    await this.slot();
    try {
      if (this.disposed) {
        return;
      }
      const key = netnsKey(netns);
      const before = signature(this.entries.get(key));
      try {
        const result = await this.client.request('readSockets', { netns });
        this.entries.set(key, { netns, result, at: Date.now() });
      } catch (e) {
        this.entries.set(key, { netns, error: e instanceof Error ? e.message : String(e), at: Date.now() });
      }
      // Rows are redrawn only when what they show changed (a namespace without sockets never is).
      if (signature(this.entries.get(key)) !== before) {
        this.changed.fire([netns]);
      }
    } finally {
      this.release();
    }
  }

  private async slot(): Promise<void> {
    if (this.running >= CONCURRENCY) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else {
      this.running++;
    }
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
    } else {
      this.running--;
    }
  }

  private onModelChange(c: ModelChange): void {
    if (c.all || c.names) {
      // Namespaces gone (or made again under the same name) start fresh.
      const gone: NetnsRef[] = [];
      for (const [key, e] of this.entries) {
        if (!this.model.has(e.netns) || c.all) {
          this.entries.delete(key);
          gone.push(e.netns);
        }
      }
      if (gone.length > 0) {
        this.changed.fire(gone);
      }
      this.scheduleBackground();
      return;
    }
    if (c.processes) {
      // Processes came or went: read again the namespaces already read whose processes changed.
      const inodes = c.processInodes && new Set(c.processInodes);
      for (const [key, e] of this.entries) {
        const inode = this.model.get(e.netns)?.inode;
        if (!inodes || (inode !== undefined && inodes.has(inode))) {
          this.processWork.set(key, e.netns);
        }
      }
      // Merged: a busy machine's process events read each namespace at most every PROCESS_REFRESH_MS.
      if (this.processWork.size > 0 && !this.processTimer && !this.disposed) {
        this.processTimer = setTimeout(() => {
          this.processTimer = undefined;
          const work = [...this.processWork.values()];
          this.processWork.clear();
          for (const ns of work) {
            void this.refresh(ns, PROCESS_REFRESH_MS / 2);
          }
        }, PROCESS_REFRESH_MS);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.backgroundTimer) {
      clearTimeout(this.backgroundTimer);
    }
    if (this.processTimer) {
      clearTimeout(this.processTimer);
    }
    this.subscription.dispose();
    this.changed.dispose();
    for (const w of this.waiters.splice(0)) {
      w();
    }
  }
}

// Change events for the client: namespaces added or removed in /run/netns, and interface or
// address changes inside each namespace (the kernel watcher, when it can load).

import type { NetnsRef } from '../../core/model';
import type { SharedChanges } from '../reader/keptNamespaces';
import { watchNetnsDirEntries } from './netnsDirWatch';

/**
 * Where change events go: namespaces whose interfaces changed, whether names came or went (and
 * which, when known), and whether processes did.
 */
export type ChangeSink = (e: { netns: NetnsRef[]; names: boolean; added?: string[]; removed?: string[]; processes?: boolean }) => void;

export interface Watching {
  /** False when only /run/netns is watched (the kernel watcher could not load or stopped). */
  readonly kernelEvents: boolean;
  stop(): void;
}

/** `sockets`: the fast reader's change hub and kept namespaces, shared so that one socket hears them all. */
export function startWatching(sink: ChangeSink, log: (l: string) => void, sockets?: SharedChanges): Watching {
  try {
    // Loaded lazily: it needs koffi, a native module that may be missing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KernelWatcher } = require('./kernelWatcher') as typeof import('./kernelWatcher');
    const w = new KernelWatcher(sink, { sockets }, log);
    return {
      get kernelEvents() {
        return w.kernelEvents;
      },
      stop: () => w.dispose(),
    };
  } catch (e) {
    log(`kernel change events unavailable, watching /run/netns only: ${(e as Error).message}`);
  }
  let timer: NodeJS.Timeout | undefined;
  // The call made while starting reports the folder as it is now: a baseline, not a change.
  let starting = true;
  const stop = watchNetnsDirEntries(() => {
    if (starting) {
      return;
    }
    // Coalesce the burst of events one `ip netns add` makes.
    clearTimeout(timer);
    timer = setTimeout(() => sink({ netns: [], names: true }), 30);
  });
  starting = false;
  return {
    kernelEvents: false,
    stop: () => {
      clearTimeout(timer);
      stop();
    },
  };
}

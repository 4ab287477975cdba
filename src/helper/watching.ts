// Change events for the client: namespaces added or removed in /run/netns, and interface or
// address changes inside each namespace (the kernel watcher, when it can load).

import * as fs from 'node:fs';
import type { NetnsRef } from '../core/model';
import { NETNS_RUN_DIR } from './netnsDir';

export type ChangeSink = (e: { netns: NetnsRef[]; names: boolean }) => void;

export interface Watching {
  kernelEvents: boolean;
  stop(): void;
}

/** Watches /run/netns (or /run until it appears: no namespace made since boot). */
export function watchNetnsDir(onNames: () => void): () => void {
  let dirWatcher: fs.FSWatcher | undefined;
  let parentWatcher: fs.FSWatcher | undefined;
  const attach = () => {
    try {
      dirWatcher = fs.watch(NETNS_RUN_DIR, () => onNames());
      parentWatcher?.close();
      parentWatcher = undefined;
      return true;
    } catch {
      return false;
    }
  };
  if (!attach()) {
    parentWatcher = fs.watch('/run', (_t, file) => {
      if (file === 'netns' && attach()) {
        onNames();
      }
    });
  }
  return () => {
    dirWatcher?.close();
    parentWatcher?.close();
  };
}

export function startWatching(sink: ChangeSink, log: (l: string) => void): Watching {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KernelWatcher } = require('./watch/kernelWatcher') as {
      KernelWatcher: new (sink: ChangeSink) => { dispose(): void };
    };
    const w = new KernelWatcher(sink);
    return { kernelEvents: true, stop: () => w.dispose() };
  } catch (e) {
    log(`kernel change events unavailable, watching /run/netns only: ${(e as Error).message}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const stop = watchNetnsDir(() => {
    // Coalesce the burst of events one `ip netns add` makes.
    clearTimeout(timer);
    timer = setTimeout(() => sink({ netns: [], names: true }), 30);
  });
  return {
    kernelEvents: false,
    stop: () => {
      clearTimeout(timer);
      stop();
    },
  };
}

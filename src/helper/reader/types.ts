// A reader turns the kernel's state into the model. Two exist: the fast one (one process entering
// each namespace with setns and dumping rtnetlink through koffi) and the `ip -j` fallback.

import type { Namespace } from '../../core/model';
import type { SharedChanges } from './keptNamespaces';

export interface ReadOptions {
  /** Named namespaces to read; undefined = every name in /run/netns. */
  names?: string[];
  /** Also read the root (host) namespace. */
  includeRoot: boolean;
  /** Named namespaces are opened for their inode only and marked `unprivileged` (the root is read whole). */
  idsOnly?: boolean;
}

export interface Reader {
  readonly kind: 'netlink' | 'ip';
  /**
   * Reads the requested namespaces with interfaces, addresses and veth peers resolved (see
   * pure/peers.ts). A name /run/netns no longer has is left out; a namespace that cannot be opened
   * or entered is returned with `error` set rather than failing the whole read. The root
   * namespace, when included, comes first.
   */
  read(options: ReadOptions): Promise<Namespace[]>;
  /** Sockets the kernel watcher can share instead of opening its own (the fast reader's). */
  readonly sharedChanges?: SharedChanges;
  dispose(): void;
}

// The one string key of a namespace, used as its tree node's id and to key maps by namespace.

import type { NetnsRef } from '../../core/model';

/** "host" for the root namespace, "ns:NAME" for a named one: the prefix keeps names apart from it. */
export function netnsKey(ns: NetnsRef): string {
  return ns === null ? 'host' : `ns:${ns}`;
}

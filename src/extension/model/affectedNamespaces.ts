// Which namespaces an interface operation touches: its own and, for a veth, its peer's (the
// peer's carrier follows, and deleting one end deletes the other).

import type { NetnsRef } from '../../core/model';
import type { InterfaceRef } from './argGuards';
import { findInterface } from './findInterface';
import type { NamespaceStore } from './namespaceStore';

export function affectedNamespaces(model: NamespaceStore, refs: InterfaceRef[]): NetnsRef[] {
  const out = new Set<NetnsRef>();
  for (const r of refs) {
    out.add(r.netns);
    const peer = findInterface(model.get(r.netns), r.name)?.peer;
    if (peer?.netns !== undefined && model.has(peer.netns)) {
      out.add(peer.netns);
    }
  }
  return [...out];
}

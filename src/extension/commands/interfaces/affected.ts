// Which namespaces an interface operation touches: its own and, for a veth, its peer's (the
// peer's carrier follows, and deleting one end deletes the other).

import type { NetnsRef } from '../../../core/model';
import { findInterface, type InterfaceRef } from '../../model/refs';
import type { CommandContext } from '../context';

export function affectedNamespaces(ctx: CommandContext, refs: InterfaceRef[]): NetnsRef[] {
  const out = new Set<NetnsRef>();
  for (const r of refs) {
    out.add(r.netns);
    const peer = findInterface(ctx.model.get(r.netns), r.name)?.peer;
    if (peer?.netns !== undefined && ctx.model.has(peer.netns)) {
      out.add(peer.netns);
    }
  }
  return [...out];
}

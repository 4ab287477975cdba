// netns.createDummyInterface
//   (namespaceNode) | ({ netns, name }) | ()   as netns.createBridge, with a dummy interface
// `ip [-n NS] link add name X type dummy`. Returns { netns, name } as created, or undefined.

import type { InterfaceRef } from '../../model/argGuards';
import { createSimpleLink } from '../bridges/createBridge';
import type { CommandContext } from '../context';

export function createDummyInterface(ctx: CommandContext, arg?: unknown): Promise<InterfaceRef | undefined> {
  return createSimpleLink(ctx, 'dummy', arg);
}

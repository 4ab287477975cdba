// A command run from the topology view's context menu (webview/context) gets the element's
// data-vscode-context object; the commands take the tree's nodes, so it is turned into the node
// the tree has for that element (built if needed), as if the menu had been opened on its row.

import type { CommandContext } from '../commands/context';
import { elementRef, isTopologyContext } from './topologyIds';

export function fromTopologyContext(ctx: CommandContext, args: unknown[]): unknown[] {
  if (!isTopologyContext(args[0])) {
    return args;
  }
  const ref = elementRef(args[0].topologyId);
  if (!ref || ref.netns === undefined) {
    return [];
  }
  if (ref.kind === 'namespace') {
    return ctx.model.has(ref.netns) ? [ctx.tree.namespaceNode(ref.netns)] : [{ netns: ref.netns }];
  }
  return [ctx.tree.interfaceNode(ref.netns, ref.name) ?? { netns: ref.netns, name: ref.name }];
}

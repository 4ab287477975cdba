// netns.showTopology: opens the topology view (namespaces, their interfaces and how they are
// wired) beside the tree. Resolves once the first picture is drawn: { nodes, edges, ms } as the
// view reported it, or undefined when the view was closed first.

import type { CommandContext } from '../context';
import type { DrawnReport } from '../../topology/topologyPanel';

export async function showTopology(ctx: CommandContext): Promise<DrawnReport | undefined> {
  return ctx.topology?.show();
}

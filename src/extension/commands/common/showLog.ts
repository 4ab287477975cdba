// netns.showLog (): shows the "Network Namespaces" log.

import type { CommandContext } from '../context';

export function showLog(ctx: CommandContext): Promise<void> {
  ctx.log.show();
  return Promise.resolve();
}

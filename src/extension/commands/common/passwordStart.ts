// Installing and removing the helper changes what root runs later, so the helper's policy refuses
// both from the installed copy, which an administrator may let start without a password
// (docs/policy.md). When that copy is what runs, such a request goes to the extension's own copy,
// started for it alone (which asks for a password), and that helper ends when the request is done.

import type { NetnsClient } from '../../../client/types';
import type { CommandContext } from '../context';

export async function withPasswordStart<T>(ctx: CommandContext, work: (client: NetnsClient) => Promise<T>): Promise<T> {
  const state = ctx.client.state;
  if (state.kind !== 'running' || state.installed === undefined) {
    return work(ctx.client);
  }
  ctx.log.info('the running helper is the installed copy, which does not install or remove itself: starting the extension\'s own copy for this');
  const client = ctx.bundledClient();
  try {
    return await work(client);
  } finally {
    client.dispose();
  }
}

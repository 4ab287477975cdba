// The handler of every operation that is exactly its one ip command (see ipArgv in the table).

import { ipArgvOf, type Request } from '../../core/operations';
import { runIp, type HelperContext } from '../context';

export async function runIpOp(ctx: HelperContext, req: Request): Promise<Record<string, never>> {
  await runIp(ctx, req, ipArgvOf(req, ctx.ipContext)!);
  return {};
}

// The handler of every operation that is exactly its one ip command (see ipArgv in the table).

import { commandOf, ipArgvOf, type Request } from '../../core/operations';
import { runCommand, runIp, type HelperContext } from '../context';

export async function runIpOp(ctx: HelperContext, req: Request): Promise<Record<string, never>> {
  await runIp(ctx, req, ipArgvOf(req, ctx.ipContext)!);
  return {};
}

/** The handler of an operation that is exactly its one command of another program (tc, sysctl). */
export async function runCommandOp(ctx: HelperContext, req: Request): Promise<Record<string, never>> {
  await runCommand(ctx, req, commandOf(req, ctx.ipContext)!);
  return {};
}

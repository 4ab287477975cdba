// What every operation handler gets: the ip runner, the readers, and a way to locate interfaces.

import type { NetnsRef } from '../core/model';
import { formatIpCommand, type IpContext } from '../core/ipCommand';
import { mapIpError } from './pure/ipErrors';
import { ProtocolError, type Request } from '../core/protocol';
import type { Caller } from './caller';
import type { IpRunner } from './ipRunner';
import type { Reader } from './reader/types';

export interface HelperContext {
  /** Whom the helper acts for (see caller.ts and docs/policy.md). */
  caller: Caller;
  ip: IpRunner;
  ipContext: IpContext;
  /** The default reader (fast one when it loaded) and the ip fallback. */
  reader: Reader;
  ipReader: Reader;
  readerError?: string;
  rootInode: number;
  /** Writes one line to the helper's log (stderr), read by the client's log. */
  log(line: string): void;
}

/** Runs one ip command for a request; on failure throws the user-facing error. */
export async function runIp(ctx: HelperContext, req: Request, argv: string[]): Promise<string> {
  ctx.log(formatIpCommand(argv));
  const r = await ctx.ip.run(argv);
  if (!r.ok) {
    // Looking for where a missing interface went costs a full read: only for that error.
    const where = /Cannot find device|No such device/.test(r.stderr) ? await locator(ctx) : undefined;
    const body = mapIpError(req, r.stderr, where);
    throw new ProtocolError(body.code, body.parts ?? body.message, body.detail);
  }
  return r.stdout;
}

/** Builds a name -> namespace lookup from a fresh read, for "it is now in ns2" messages. */
async function locator(ctx: HelperContext): Promise<(name: string) => NetnsRef | undefined> {
  try {
    const all = await ctx.reader.read({ includeRoot: true });
    return (name) => all.find((ns) => ns.interfaces.some((i) => i.name === name))?.name;
  } catch {
    return () => undefined;
  }
}

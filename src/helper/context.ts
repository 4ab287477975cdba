// What every operation handler gets: the ip runner, the readers, and a way to locate interfaces.

import type { NetnsRef } from '../core/model';
import { formatCommand, formatIpCommand, type Command, type IpContext, type Program } from '../core/ipCommand';
import { part } from '../core/messages';
import { mapIpError } from './pure/ipErrors';
import { mapToolError } from './pure/toolErrors';
import { ProtocolError, type Request } from '../core/protocol';
import type { Caller } from './caller';
import type { IpRunner } from './ipRunner';
import type { Reader } from './reader/types';

export interface HelperContext {
  /** Whom the helper acts for (see caller.ts and docs/policy.md). */
  caller: Caller;
  ip: IpRunner;
  /** The other programs operations run (by absolute path, in the same bounded slots as ip). */
  tools: Record<Exclude<Program, 'ip'>, IpRunner>;
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

/** The runner of a program. */
export function runnerOf(ctx: HelperContext, program: Program): IpRunner {
  return program === 'ip' ? ctx.ip : ctx.tools[program];
}

const PACKAGE: Record<Program, string> = { ip: 'iproute2', tc: 'iproute2', sysctl: 'procps' };

/** Runs one command of any program for a request; on failure throws the user-facing error. */
export async function runCommand(ctx: HelperContext, req: Request, cmd: Command): Promise<string> {
  const runner = runnerOf(ctx, cmd.program);
  if (!runner.available) {
    throw new ProtocolError('ENOTSUP', [part('{0} is not installed on this machine. Install it (apt install {1}) and try again.', cmd.program, PACKAGE[cmd.program])]);
  }
  if (cmd.program === 'ip' && !(cmd.argv[0] === 'netns' && cmd.argv[1] === 'exec')) {
    return runIp(ctx, req, cmd.argv);
  }
  ctx.log(formatCommand(cmd));
  const r = await runner.run(cmd.argv);
  if (!r.ok) {
    const body = mapToolError(req, r.stderr) ?? mapIpError(req, r.stderr);
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

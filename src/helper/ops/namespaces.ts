// Namespace operations beyond their ip command: add and attach answer with the namespace's inode
// (admit checked that the name is free). (delete is runIpOp.)

import { part } from '../../core/messages';
import { ipArgvOf } from '../../core/operations';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import type { Admitted } from '../handlers';
import { netnsInode } from '../netnsDir';

/** The inode of the namespace ip just mounted as `name`. */
function mountedInode(name: string): number {
  const inode = netnsInode(name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', part('ip reported success but "{0}" is not mounted in /run/netns.', name));
  }
  return inode;
}

export async function addNetns(ctx: HelperContext, p: Request<'addNetns'>): Promise<Result<'addNetns'>> {
  // admit made sure the name is free.
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  const inode = mountedInode(p.name);
  return { name: p.name, inode };
}

export async function attachNetns(ctx: HelperContext, p: Request<'attachNetns'>, { held }: Admitted): Promise<Result<'attachNetns'>> {
  // admit made sure the name is free.
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  const inode = mountedInode(p.name);
  // ip opened /proc/PID/ns/net by number: if the process exited and its PID was reused meanwhile,
  // the name now points elsewhere than the namespace admit checked. Take it back.
  if (inode !== held.pidNetns(p.pid).inode) {
    await ctx.ip.run(ipArgvOf({ op: 'delNetns', name: p.name }, ctx.ipContext)!);
    throw new ProtocolError('ESRCH', part('Process {0} exited while its namespace was being named; nothing was named. Check the PID and try again.', p.pid));
  }
  return { name: p.name, inode };
}

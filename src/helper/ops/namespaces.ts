// Namespace operations beyond their ip command: add and attach check the name first and answer
// with the namespace's inode. (delete is runIpOp.)

import { part } from '../../core/messages';
import * as fs from 'node:fs';
import { ipArgvOf } from '../../core/operations';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import type { Admitted } from '../handlers';
import { netnsInode } from '../netnsDir';

export async function addNetns(ctx: HelperContext, p: Request<'addNetns'>): Promise<Result<'addNetns'>> {
  if (netnsInode(p.name) !== undefined) {
    throw new ProtocolError('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', p.name));
  }
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', part('ip reported success but "{0}" is not mounted in /run/netns.', p.name));
  }
  return { name: p.name, inode };
}

export async function attachNetns(ctx: HelperContext, p: Request<'attachNetns'>, { held }: Admitted): Promise<Result<'attachNetns'>> {
  if (fs.existsSync(`/run/netns/${p.name}`)) {
    throw new ProtocolError('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', p.name));
  }
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', part('ip reported success but "{0}" is not mounted in /run/netns.', p.name));
  }
  // ip opened /proc/PID/ns/net by number: if the process exited and its PID was reused meanwhile,
  // the name now points elsewhere than the namespace admit checked. Take it back.
  if (inode !== held.pidNetns(p.pid).inode) {
    await ctx.ip.run(['netns', 'delete', p.name]);
    throw new ProtocolError('ESRCH', part('Process {0} exited while its namespace was being named; nothing was named. Check the PID and try again.', p.pid));
  }
  return { name: p.name, inode };
}

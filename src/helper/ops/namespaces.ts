// Namespace operations: add, delete, attach a process's namespace under a name.

import * as fs from 'node:fs';
import { addNetnsArgv, attachNetnsArgv, delNetnsArgv } from '../../core/ipCommand';
import { ProtocolError, type Params, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import { netnsInode } from '../netnsDir';

export async function addNetns(ctx: HelperContext, p: Params<'addNetns'>): Promise<Result<'addNetns'>> {
  if (netnsInode(p.name) !== undefined) {
    throw new ProtocolError('EEXIST', `A namespace named "${p.name}" already exists. Choose another name.`);
  }
  await runIp(ctx, { op: 'addNetns', ...p }, addNetnsArgv(p));
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', `ip reported success but "${p.name}" is not mounted in /run/netns.`);
  }
  return { name: p.name, inode };
}

export async function delNetns(ctx: HelperContext, p: Params<'delNetns'>): Promise<Result<'delNetns'>> {
  if (!fs.existsSync(`/run/netns/${p.name}`)) {
    throw new ProtocolError('ENOENT', `Namespace "${p.name}" does not exist (it may have been deleted already). Refresh the view.`);
  }
  await runIp(ctx, { op: 'delNetns', ...p }, delNetnsArgv(p));
  return {};
}

export async function attachNetns(ctx: HelperContext, p: Params<'attachNetns'>): Promise<Result<'attachNetns'>> {
  if (!fs.existsSync(`/proc/${p.pid}/ns/net`)) {
    throw new ProtocolError('ESRCH', `Process ${p.pid} does not exist (it may have exited). Check the PID and try again.`);
  }
  if (fs.existsSync(`/run/netns/${p.name}`)) {
    throw new ProtocolError('EEXIST', `A namespace named "${p.name}" already exists. Choose another name.`);
  }
  await runIp(ctx, { op: 'attachNetns', ...p }, attachNetnsArgv(p));
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', `ip reported success but "${p.name}" is not mounted in /run/netns.`);
  }
  return { name: p.name, inode };
}

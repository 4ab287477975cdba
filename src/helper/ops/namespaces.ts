// Namespace operations: add, delete, attach a process's namespace under a name.

import { part } from '../../core/messages';
import * as fs from 'node:fs';
import { addNetnsArgv, attachNetnsArgv, delNetnsArgv } from '../../core/ipCommand';
import { ProtocolError, type Params, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import { netnsInode } from '../netnsDir';

export async function addNetns(ctx: HelperContext, p: Params<'addNetns'>): Promise<Result<'addNetns'>> {
  if (netnsInode(p.name) !== undefined) {
    throw new ProtocolError('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', p.name));
  }
  await runIp(ctx, { op: 'addNetns', ...p }, addNetnsArgv(p));
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', part('ip reported success but "{0}" is not mounted in /run/netns.', p.name));
  }
  return { name: p.name, inode };
}

export async function delNetns(ctx: HelperContext, p: Params<'delNetns'>): Promise<Result<'delNetns'>> {
  if (!fs.existsSync(`/run/netns/${p.name}`)) {
    throw new ProtocolError('ENOENT', part('Namespace "{0}" does not exist (it may have been deleted already). Refresh the view.', p.name));
  }
  await runIp(ctx, { op: 'delNetns', ...p }, delNetnsArgv(p));
  return {};
}

export async function attachNetns(ctx: HelperContext, p: Params<'attachNetns'>): Promise<Result<'attachNetns'>> {
  if (!fs.existsSync(`/proc/${p.pid}/ns/net`)) {
    throw new ProtocolError('ESRCH', part('Process {0} does not exist (it may have exited). Check the PID and try again.', p.pid));
  }
  if (fs.existsSync(`/run/netns/${p.name}`)) {
    throw new ProtocolError('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', p.name));
  }
  await runIp(ctx, { op: 'attachNetns', ...p }, attachNetnsArgv(p));
  const inode = netnsInode(p.name);
  if (inode === undefined) {
    throw new ProtocolError('EIO', part('ip reported success but "{0}" is not mounted in /run/netns.', p.name));
  }
  return { name: p.name, inode };
}

// Read-only operations: hello, names, snapshots.

import { part } from '../../core/messages';
import { version } from '../../../package.json';
import { PROTOCOL_VERSION, ProtocolError, type HelloResult, type Request, type Result } from '../../core/protocol';
import { bound } from '../caller';
import type { HelperContext } from '../context';
import { listNetnsNames } from '../netnsDir';

export function hello(ctx: HelperContext): HelloResult {
  const result: HelloResult = {
    name: 'vscode-netns-helper',
    version,
    protocol: PROTOCOL_VERSION,
    pid: process.pid,
    uid: process.getuid?.() ?? -1,
    reader: ctx.reader.kind,
    ip: ctx.ip.path,
    rootInode: ctx.rootInode,
    policy: { bound: bound(ctx.caller), installed: ctx.caller.installed },
  };
  if (ctx.caller.via !== 'root') {
    result.callerUid = ctx.caller.uid;
  }
  if (ctx.readerError) {
    result.readerError = ctx.readerError;
  }
  return result;
}

export function listNames(): Result<'listNames'> {
  return { names: listNetnsNames() };
}

export async function snapshot(ctx: HelperContext, p: Request<'snapshot'>): Promise<Result<'snapshot'>> {
  const reader = p.reader === 'ip' ? ctx.ipReader : ctx.reader;
  if (p.reader === 'netlink' && ctx.reader.kind !== 'netlink') {
    throw new ProtocolError('ENOTSUP', part('The fast reader is not available: {0}', ctx.readerError ?? 'unknown reason'));
  }
  const namespaces = await reader.read({ names: p.names, includeRoot: p.includeRoot ?? p.names === undefined, idsOnly: p.idsOnly });
  return { namespaces, reader: reader.kind, takenAt: Date.now() };
}

// The interfaces of one namespace, read for an operation's checks, or an error in the user's words.

import { part } from '../../core/messages';
import type { Interface, NetnsRef } from '../../core/model';
import { ProtocolError } from '../../core/protocol';
import type { HelperContext } from '../context';
import { noSuchNamespace } from '../pure/missing';

export async function interfacesIn(ctx: HelperContext, netns: NetnsRef): Promise<Interface[]> {
  const [read] = await ctx.reader.read(netns === null ? { names: [], includeRoot: true } : { names: [netns], includeRoot: false });
  if (!read) {
    throw new ProtocolError('ENOENT', noSuchNamespace(netns));
  }
  if (read.error) {
    throw new ProtocolError('ENOENT', part('Namespace "{0}" could not be read: {1}', netns ?? 'host', read.error));
  }
  return read.interfaces;
}

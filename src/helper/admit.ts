// The checks every write passes before its handler runs, made from the targets its entry in the
// operation table declares: what it acts on must exist. Batch items pass the same checks.

import { part } from '../core/messages';
import * as fs from 'node:fs';
import { spec, type Request, type Target } from '../core/operations';
import { ProtocolError } from '../core/protocol';
import { netnsInode, netnsPath } from './netnsDir';

/** Names a batch adds before the item being checked: they exist by the time it runs. */
export type Pending = ReadonlySet<string>;

export function admit(req: Request, pending: Pending = new Set()): void {
  const { op, ...params } = req;
  for (const t of spec(op).targets?.(params as never) ?? []) {
    checkTarget(t, pending);
  }
}

function checkTarget(t: Target, pending: Pending): void {
  switch (t.kind) {
    case 'netns':
    case 'link':
      requireNetns(t.netns, pending);
      return;
    case 'netnsName':
      if (!pending.has(t.name) && !fs.existsSync(netnsPath(t.name))) {
        throw new ProtocolError('ENOENT', part('Namespace "{0}" does not exist (it may have been deleted already). Refresh the view.', t.name));
      }
      return;
    case 'pid':
      if (!fs.existsSync(`/proc/${t.pid}/ns/net`)) {
        throw new ProtocolError('ESRCH', part('Process {0} does not exist (it may have exited). Check the PID and try again.', t.pid));
      }
      return;
  }
}

function requireNetns(ns: string | null, pending: Pending): void {
  if (ns !== null && !pending.has(ns) && netnsInode(ns) === undefined) {
    throw new ProtocolError('ENOENT', part('Namespace "{0}" does not exist. Refresh the view to see the current namespaces.', ns));
  }
}

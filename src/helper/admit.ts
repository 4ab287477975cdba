// The checks every request passes before its handler runs, made from what its entry in the
// operation table declares: what it acts on must exist, and the helper's policy must allow it.
// Batch items pass the same checks. A process's namespace is opened here once and held until the
// handler is done, so the namespace checked is the one acted on, even if the process exits and its
// PID is reused meanwhile.

import { part } from '../core/messages';
import * as fs from 'node:fs';
import type { NetnsRef } from '../core/model';
import { spec, type Request, type Target } from '../core/operations';
import { ProtocolError } from '../core/protocol';
import type { HelperContext } from './context';
import { netnsPath } from './netnsDir';
import { openNetnsFile } from './reader/libc';
import { checkLinkChange, checkNetnsOwner, checkPasswordStart } from './policy/rules';

/**
 * What the items of a batch before the one being checked do to /run/netns: names they add exist
 * by the time it runs, names they delete do not.
 */
export interface Pending {
  added: ReadonlySet<string>;
  deleted: ReadonlySet<string>;
}

const NOTHING_PENDING: Pending = { added: new Set(), deleted: new Set() };

/** Namespaces opened while admitting a request, for its handler. */
export class Held {
  private readonly byPid = new Map<number, { fd: number; inode: number }>();

  /** The namespace of process `pid` as checked (open descriptor and inode). */
  pidNetns(pid: number): { fd: number; inode: number } {
    const h = this.byPid.get(pid);
    if (!h) {
      throw new Error(`process ${pid} was not admitted`);
    }
    return h;
  }

  add(pid: number, h: { fd: number; inode: number }): void {
    this.byPid.set(pid, h);
  }

  close(): void {
    for (const { fd } of this.byPid.values()) {
      fs.closeSync(fd);
    }
    this.byPid.clear();
  }
}

export function admit(ctx: HelperContext, req: Request, pending: Pending = NOTHING_PENDING): Held {
  const { op, ...params } = req;
  const entry = spec(op);
  if (entry.needsPasswordStart) {
    checkPasswordStart(ctx);
  }
  const held = new Held();
  try {
    for (const t of entry.targets?.(params as never) ?? []) {
      checkTarget(ctx, t, pending, held);
    }
  } catch (e) {
    held.close();
    throw e;
  }
  return held;
}

function checkTarget(ctx: HelperContext, t: Target, pending: Pending, held: Held): void {
  switch (t.kind) {
    case 'netns':
      checkNamed(ctx, t.netns, pending);
      return;
    case 'link':
      // Taking an interface out of a namespace needs the same trust as putting one in.
      checkNamed(ctx, t.netns, pending, t.change === 'move');
      checkLinkChange(ctx, t.netns, t.name, t.change);
      return;
    case 'netnsName':
      if (pending.deleted.has(t.name) || (!pending.added.has(t.name) && !fs.existsSync(netnsPath(t.name)))) {
        throw new ProtocolError('ENOENT', part('Namespace "{0}" does not exist (it may have been deleted already). Refresh the view.', t.name));
      }
      return;
    case 'pid': {
      const h = openNetnsFile(`/proc/${t.pid}/ns/net`);
      if (!h) {
        throw new ProtocolError('ESRCH', part('Process {0} does not exist (it may have exited). Check the PID and try again.', t.pid));
      }
      held.add(t.pid, h);
      checkNetnsOwner(ctx, { fd: h.fd, label: part('The namespace of process {0}', t.pid) });
      return;
    }
  }
}

/** A named namespace must exist (or be added earlier in the batch) and, when `owner`, be ours. */
function checkNamed(ctx: HelperContext, ns: NetnsRef, pending: Pending, owner = true): void {
  if (ns === null || pending.added.has(ns)) {
    return; // the host's, or one the batch makes with ip netns add
  }
  const h = pending.deleted.has(ns) ? undefined : openNetnsFile(netnsPath(ns));
  if (!h) {
    throw new ProtocolError('ENOENT', part('Namespace "{0}" does not exist. Refresh the view to see the current namespaces.', ns));
  }
  try {
    if (owner) {
      checkNetnsOwner(ctx, { fd: h.fd, label: part('Namespace "{0}"', ns) });
    }
  } finally {
    fs.closeSync(h.fd);
  }
}

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
import { netnsPath, notNamespaceKind } from './netnsDir';
import { openNetnsFile } from './reader/libc';
import { checkLinkChange, checkNetnsOwner, checkPasswordStart } from './policy/rules';
import { namespaceDeleted, noSuchNamespace } from './pure/missing';

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
      checkNamed(ctx, t.netns, pending, 'into');
      return;
    case 'link':
      // Taking an interface out of a namespace needs the same trust as putting one in.
      checkNamed(ctx, t.netns, pending, 'on', t.change === 'move');
      checkLinkChange(ctx, t.netns, t.name, t.change);
      return;
    case 'netnsName':
      checkRemovedName(t.name, t.entry, pending);
      return;
    case 'newNetnsName':
      checkFreeName(t.name, pending);
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

/** A name to remove must be there and be what the request says: a namespace, or a plain file. */
function checkRemovedName(name: string, entry: 'namespace' | 'file', pending: Pending): void {
  if (pending.deleted.has(name)) {
    throw new ProtocolError('ENOENT', namespaceDeleted(name));
  }
  if (pending.added.has(name)) {
    return; // made earlier in the batch: a namespace
  }
  const kind = notNamespaceKind(name);
  if (entry === 'file') {
    if (kind === 'file') {
      return;
    }
    if (kind !== undefined) {
      throw new ProtocolError('ENOTNS', part('"{0}" in /run/netns is not a plain file (it is a folder or another kind of file); it is not removed from here.', name));
    }
    throw fs.existsSync(netnsPath(name))
      ? new ProtocolError('EEXIST', part('"{0}" is a namespace now, not a file; nothing was deleted. Refresh the view.', name))
      : new ProtocolError('ENOENT', part('The file "{0}" is no longer in /run/netns. Refresh the view.', name));
  }
  if (kind !== undefined) {
    throw new ProtocolError('ENOTNS', part('"{0}" in /run/netns is not a namespace but a plain file or folder; nothing was deleted. Refresh the view, which offers to delete the file.', name));
  }
  if (!fs.existsSync(netnsPath(name))) {
    throw new ProtocolError('ENOENT', namespaceDeleted(name));
  }
}

/** A name to make in /run/netns must be free: no namespace, no file in the way. */
function checkFreeName(name: string, pending: Pending): void {
  if (pending.deleted.has(name) && !pending.added.has(name)) {
    return; // removed earlier in the batch
  }
  const kind = pending.added.has(name) ? undefined : notNamespaceKind(name);
  if (kind === 'file') {
    throw new ProtocolError('EEXIST', part('A file named "{0}" is in the way in /run/netns (it is not a namespace). Delete it from the view, or choose another name.', name));
  }
  if (kind !== undefined) {
    throw new ProtocolError('EEXIST', part('"{0}" in /run/netns is taken by a folder or another kind of file, not a namespace. Choose another name.', name));
  }
  if (pending.added.has(name) || fs.existsSync(netnsPath(name))) {
    throw new ProtocolError('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', name));
  }
}

/**
 * A named namespace must exist (or be added earlier in the batch) and, when `owner`, be ours.
 * `use` says what the request does with it, for the message when the name is not a namespace:
 * puts an interface `into` it, or changes an interface `on` it.
 */
function checkNamed(ctx: HelperContext, ns: NetnsRef, pending: Pending, use: 'into' | 'on', owner = true): void {
  if (ns === null || pending.added.has(ns)) {
    return; // the host's, or one the batch makes with ip netns add
  }
  const h = pending.deleted.has(ns) ? undefined : openNetnsFile(netnsPath(ns));
  if (!h) {
    if (!pending.deleted.has(ns) && notNamespaceKind(ns)) {
      throw new ProtocolError(
        'ENOTNS',
        use === 'into'
          ? part('"{0}" in /run/netns is not a namespace (it is a plain file or folder), so no interface can be put into it. Choose a namespace.', ns)
          : part('"{0}" in /run/netns is not a namespace (it is a plain file or folder), so it has no interfaces to change. Refresh the view.', ns),
      );
    }
    throw new ProtocolError('ENOENT', noSuchNamespace(ns));
  }
  try {
    if (owner) {
      checkNetnsOwner(ctx, { fd: h.fd, label: part('Namespace "{0}"', ns) });
    }
  } finally {
    fs.closeSync(h.fd);
  }
}

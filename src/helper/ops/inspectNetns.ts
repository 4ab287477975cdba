// Entering a namespace for the inspection reads: the namespace opened by name (checked to be the
// one admit checked: an nsfs file), a NETLINK_SOCK_DIAG socket opened inside it, and synchronous
// work (reading /proc/sys/net) done with the main thread inside it and back home before anything
// else can run. setns moves only the calling thread, and nothing here yields while inside.

import * as fs from 'node:fs';
import { part } from '../../core/messages';
import type { NetnsRef } from '../../core/model';
import { ProtocolError } from '../../core/protocol';
import { netnsPath, rootNetnsInode } from '../netnsDir';
import { AF_NETLINK, check, CLONE_NEWNET, HomeNetns, loadLibc, openNetnsFile, SOCK_CLOEXEC, SOCK_RAW, type Libc } from '../reader/libc';
import { noSuchNamespace } from '../pure/missing';

let home: { libc: Libc; home: HomeNetns } | undefined;

function enter(): { libc: Libc; home: HomeNetns } {
  if (!home) {
    let libc: Libc;
    try {
      libc = loadLibc();
    } catch (e) {
      throw new ProtocolError('ENOTSUP', part('The helper cannot enter namespaces here: {0}', (e as Error).message));
    }
    home = { libc, home: new HomeNetns(libc) };
  }
  return home;
}

export interface OpenNetns {
  /** -1 for the host's: the helper is in it already. */
  fd: number;
  inode: number;
  close(): void;
}

/** Opens the namespace a request names (null: the host's, which the helper is in). */
export function openNetns(netns: NetnsRef): OpenNetns {
  if (netns === null) {
    return { fd: -1, inode: rootNetnsInode(), close: () => undefined };
  }
  const h = openNetnsFile(netnsPath(netns));
  if (!h) {
    throw new ProtocolError('ENOENT', noSuchNamespace(netns));
  }
  return { fd: h.fd, inode: h.inode, close: () => fs.closeSync(h.fd) };
}

/** A netlink socket of `protocol` in the namespace (bound to it for its life). */
export function netlinkSocketIn(ns: OpenNetns, protocol: number): { libc: Libc; fd: number } {
  const { libc, home: h } = enter();
  const type = SOCK_RAW | SOCK_CLOEXEC;
  const fd = ns.fd < 0 ? check(libc, 'socket', libc.socket(AF_NETLINK, type, protocol)) : h.socketIn(ns.fd, type, protocol);
  return { libc, fd };
}

/** Runs `work` (synchronous) with this thread inside the namespace, and returns home. */
export function insideSync<T>(ns: OpenNetns, work: () => T): T {
  if (ns.fd < 0) {
    return work();
  }
  const { libc, home: h } = enter();
  check(libc, 'setns', libc.setns(ns.fd, CLONE_NEWNET));
  try {
    return work();
  } finally {
    if (libc.setns(h.fd, CLONE_NEWNET) < 0 && libc.setns(h.fd, CLONE_NEWNET) < 0) {
      // Staying in another namespace would make every later operation act on the wrong one.
      process.stderr.write(`could not return to the helper's network namespace: ${libc.strerror(libc.errno())}; exiting\n`);
      process.exit(70);
    }
  }
}

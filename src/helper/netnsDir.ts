// The /run/netns folder: names, paths and whether a name is really a mounted namespace.

import * as fs from 'node:fs';
import type { Namespace, NotNamespace } from '../core/model';
import { validateNamespaceName } from '../core/validate';

export const NETNS_RUN_DIR = '/run/netns';

export function netnsPath(name: string): string {
  return `${NETNS_RUN_DIR}/${name}`;
}

/** Names in /run/netns, sorted. A missing folder (nothing made since boot) is an empty list. */
export function listNetnsNames(): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(NETNS_RUN_DIR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw e;
  }
  return entries.filter((n) => validateNamespaceName(n) === undefined).sort();
}

let nsfsDev: number | undefined;

/** The device number of the nsfs filesystem: a namespace file bind-mounted there has it. */
export function nsfsDevice(): number {
  if (nsfsDev === undefined) {
    nsfsDev = fs.statSync('/proc/self/ns/net').dev;
  }
  return nsfsDev;
}

/**
 * The namespace inode behind /run/netns/NAME, or undefined when the name does not exist or is not
 * (yet, or any more) a mounted namespace: `ip netns add` creates the file before mounting it.
 */
export function netnsInode(name: string): number | undefined {
  try {
    const st = fs.statSync(netnsPath(name));
    return st.dev === nsfsDevice() ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** True while /run/netns/NAME exists (as anything: the entry itself, not what it points to). */
export function netnsNameExists(name: string): boolean {
  return fs.lstatSync(netnsPath(name), { throwIfNoEntry: false }) !== undefined;
}

/** What /run/netns/NAME is when it exists but is not a namespace mount; undefined otherwise. */
export function notNamespaceKind(name: string): NotNamespace | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(netnsPath(name));
  } catch {
    return undefined; // not there
  }
  if (st.dev === nsfsDevice()) {
    return undefined;
  }
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

/**
 * Why /run/netns/NAME could not be opened as a namespace, for a reader's answer: it is something
 * else (`notNamespace`), it is there but would not open (`error`), or it is gone (undefined: the
 * name is left out, as an answer holds what the folder has).
 */
export function unopenedName(name: string): Pick<Namespace, 'notNamespace' | 'error'> | undefined {
  const kind = notNamespaceKind(name);
  if (kind) {
    return { notNamespace: kind };
  }
  return netnsNameExists(name) ? { error: `/run/netns/${name} could not be opened as a namespace.` } : undefined;
}

/** The inode of the helper's own network namespace: the one the extension calls "host". */
export function rootNetnsInode(): number {
  return fs.statSync('/proc/self/ns/net').ino;
}

/** A path to the root namespace that ip, started by the helper, can open. */
export function rootNetnsPath(): string {
  try {
    if (fs.statSync('/proc/1/ns/net').ino === rootNetnsInode()) {
      return '/proc/1/ns/net';
    }
  } catch {
    // /proc/1 may be unreadable in some containers
  }
  return `/proc/${process.pid}/ns/net`;
}

// Which user namespace owns a network namespace (NS_GET_USERNS on its nsfs descriptor). One the
// helper's own user namespace does not own was made by someone who is root only inside their own
// user namespace (unshare -U, a rootless container): they can watch and change everything in it.

import * as fs from 'node:fs';
import { check, loadLibc } from '../reader/libc';

/** _IO(0xb7, 0x1) from linux/nsfs.h. */
const NS_GET_USERNS = 0xb701;

let ownUserns: number | undefined;

/** The inode of the helper's own user namespace (the initial one, on a normal machine). */
function ownUsernsInode(): number {
  ownUserns ??= fs.statSync('/proc/self/ns/user').ino;
  return ownUserns;
}

/**
 * True when the network namespace open as `fd` is owned by the helper's own user namespace.
 * Throws when it cannot be told (no koffi: the policy then refuses, it never guesses).
 */
export function ownedByOurUserns(fd: number): boolean {
  const libc = loadLibc();
  const userns = check(libc, 'ioctl(NS_GET_USERNS)', libc.ioctl(fd, NS_GET_USERNS));
  try {
    return fs.fstatSync(userns).ino === ownUsernsInode();
  } finally {
    fs.closeSync(userns);
  }
}

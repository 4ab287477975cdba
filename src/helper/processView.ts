// How much of /proc the helper passes on to the user it acts for: never more than /proc shows that
// user. With hidepid (and the user's groups not exempt by gid=) that is their own processes only.
// Without it, every process, but other users' by command name: a command line can carry secrets
// (tokens, passwords given as arguments) and the view needs no more than the name.

import * as fs from 'node:fs';
import { memberGroups, passwdEntry } from './pure/passwd';
import { parseProcMount } from './pure/procMount';

/** all: root itself; names: others' processes by name only; own: only the caller's processes. */
export type ProcessView = 'all' | 'names' | 'own';

type Read = (file: string) => string;
const readText: Read = (file) => fs.readFileSync(file, 'utf8');

/** True when `gid` is the user's primary group or lists them as a member. */
function inGroup(uid: number, gid: number, read: Read): boolean {
  try {
    const entry = passwdEntry(read('/etc/passwd'), uid);
    return entry !== undefined && (entry.gid === gid || memberGroups(read('/etc/group'), entry.name).includes(gid));
  } catch {
    return false;
  }
}

export function processView(callerUid: number, read: Read = readText): ProcessView {
  if (callerUid === 0) {
    return 'all';
  }
  let mount;
  try {
    mount = parseProcMount(read('/proc/self/mountinfo'));
  } catch {
    mount = undefined;
  }
  // Not knowing how /proc is mounted, assume it hides.
  if (!mount) {
    return 'own';
  }
  if (mount.hidepid === 'off' || (mount.gid !== undefined && inGroup(callerUid, mount.gid, read))) {
    return 'names';
  }
  return 'own';
}

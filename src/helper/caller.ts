// Whom the helper acts for. sudo and pkexec say who ran them (SUDO_UID, PKEXEC_UID), and a user
// cannot set those through either tool. A start that names nobody is taken as root's only when
// the parent process is root's too (pkexec execs the helper, so its parent is the user's process).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTALL_DIR } from '../core/install';

export interface Caller {
  /** The invoking user (0: root itself). */
  uid: number;
  /** How the helper was started: by root directly, or for a user through sudo or pkexec. */
  via: 'root' | 'sudo' | 'pkexec' | 'unknown' | 'unprivileged';
  /** The helper runs from the root-owned install: a start an administrator may allow without a password. */
  installed: boolean;
}

function uidOf(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** The real uid of process `pid`, from /proc. */
function processUid(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return uidOf(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

export function identifyCaller(env: NodeJS.ProcessEnv = process.env, helperFile: string = __filename): Caller {
  const installed = path.dirname(path.resolve(helperFile)) === INSTALL_DIR;
  const own = process.getuid?.() ?? 0;
  if (own !== 0) {
    // Not root at all (the read-only helper that paints the view before authentication).
    return { uid: own, via: 'unprivileged', installed };
  }
  const pkexec = uidOf(env.PKEXEC_UID);
  if (pkexec !== undefined) {
    return { uid: pkexec, via: 'pkexec', installed };
  }
  const sudo = uidOf(env.SUDO_UID);
  if (sudo !== undefined) {
    return { uid: sudo, via: 'sudo', installed };
  }
  const parent = processUid(process.ppid);
  if (parent === 0) {
    return { uid: 0, via: 'root', installed };
  }
  // Root by some other route (a set-uid wrapper): act for the parent's user, or for nobody.
  return { uid: parent ?? 65534, via: 'unknown', installed };
}

/** True when the policy's rules bind this caller: everyone but root itself. */
export function bound(caller: Caller): boolean {
  return caller.uid !== 0;
}

// Finds programs by absolute path in fixed system folders: a privileged launch or the helper never
// looks a program up through the caller's PATH (sudo's secure_path and pkexec's reset PATH must not
// decide which `ip` runs either).

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where programs are looked for, in this order. */
export const PROGRAM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** The first executable regular file called `name` in `dirs` (PROGRAM_DIRS unless given). */
export function findProgram(name: string, dirs: readonly string[] = PROGRAM_DIRS): string | undefined {
  for (const dir of dirs) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) {
        return p;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

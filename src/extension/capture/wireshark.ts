// "Open in Wireshark": offered when a `wireshark` program is on the user's PATH (the extension
// host runs as the user, so this is the user's own Wireshark, run as the user).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The wireshark executable on PATH, if any. */
export function findWireshark(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) {
      continue; // never a relative PATH entry (it would depend on the current folder)
    }
    const p = path.join(dir, 'wireshark');
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

/** Starts Wireshark on the file, detached from the window. */
export function openInWireshark(program: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['-r', file], { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

// "Open in Wireshark": offered when a `wireshark` program is on the user's PATH (the extension
// host runs as the user, so this is the user's own Wireshark, run as the user).

import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { findProgram } from '../../platform/programs';

/** The wireshark executable on PATH, if any (never through a relative PATH entry: it would depend on the current folder). */
export function findWireshark(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProgram('wireshark', (env.PATH ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir)));
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

// For tests that install the helper at its fixed root-owned paths: what was there before is moved
// aside and put back afterwards, and the install can be read back file by file.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerCleanup } from './testUser';

/**
 * Moves an existing install aside for the test and puts it back afterwards; what the test made
 * there is removed in any case.
 */
export function preserve(p: string): void {
  const backup = `${p}.netns-test-backup-${process.pid}`;
  const existed = fs.existsSync(p);
  if (existed) {
    process.stdout.write(`# ${p} exists: moved to ${backup} for the test, restored afterwards\n`);
    fs.renameSync(p, backup);
  }
  registerCleanup(`install path ${p}`, () => {
    fs.rmSync(p, { recursive: true, force: true });
    if (existed) {
      fs.renameSync(backup, p);
    }
  });
}

/** Every entry under `dir` (not following symlinks), relative to it, with its kind and SHA-256. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) {
        out.set(r, `symlink -> ${fs.readlinkSync(path.join(dir, r))}`);
      } else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(r);
      } else {
        out.set(r, `file ${crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, r))).digest('hex')}`);
      }
    }
  };
  walk('');
  return out;
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

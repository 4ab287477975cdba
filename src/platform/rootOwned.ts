// Whether only root can change a file: the test for anything a sudoers line, a polkit action or
// the root helper may run.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** True when nobody but root can change `p` (after symlinks) or any folder above it. */
export function rootOnly(p: string): boolean {
  let cur: string;
  try {
    cur = fs.realpathSync(p);
  } catch {
    return false;
  }
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(cur);
    } catch {
      return false;
    }
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
      return false;
    }
    if (cur === '/') {
      return true;
    }
    cur = path.dirname(cur);
  }
}

// Run as an ordinary test user, as another process of the same user would attack a client: for
// each given pid, lists /proc/PID/fd, opens every entry for writing and (when asked) writes a
// request line into each one that opened. Input (stdin): { pids, line, write }; output: one JSON
// line with what happened to every fd.

import * as fs from 'node:fs';

export interface FdAttackInput {
  pids: number[];
  line: string;
  write: boolean;
}

export interface FdOutcome {
  fd: string;
  /** What the fd is (readlink), when that could be read. */
  target?: string;
  /** 'opened', or the error code of open(). */
  open: string;
  wrote?: boolean;
  writeError?: string;
}

export interface FdAttackOutput {
  uid: number;
  byPid: Record<string, { dirError?: string; fds: FdOutcome[] }>;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

function main(): void {
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as FdAttackInput;
  const out: FdAttackOutput = { uid: process.getuid!(), byPid: {} };
  for (const pid of input.pids) {
    const dir = `/proc/${pid}/fd`;
    const entry: { dirError?: string; fds: FdOutcome[] } = { fds: [] };
    out.byPid[pid] = entry;
    let fds: string[];
    try {
      fds = fs.readdirSync(dir);
    } catch (e) {
      entry.dirError = code(e);
      continue;
    }
    for (const fd of fds) {
      const o: FdOutcome = { fd, open: '' };
      try {
        o.target = fs.readlinkSync(`${dir}/${fd}`);
      } catch {
        // gone, or not readable
      }
      let handle: number | undefined;
      try {
        handle = fs.openSync(`${dir}/${fd}`, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
        o.open = 'opened';
      } catch (e) {
        o.open = code(e);
      }
      if (handle !== undefined) {
        if (input.write) {
          try {
            fs.writeSync(handle, input.line + '\n');
            o.wrote = true;
          } catch (e) {
            o.writeError = code(e);
          }
        }
        fs.closeSync(handle);
      }
      entry.fds.push(o);
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();

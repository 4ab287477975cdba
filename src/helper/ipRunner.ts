// Runs iproute2 (ip, tc) and the other programs operations need (sysctl) by absolute path with an
// argv array: never a shell, never PATH. At most MAX_IP_PROCESSES of them run at once across the
// whole helper, whichever program they are; the rest wait their turn.

import { spawn } from 'node:child_process';

/** Root ip processes one helper may have at a time (2 cores gain nothing beyond a few). */
export const MAX_IP_PROCESSES = 8;

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_IP_PROCESSES) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) {
      next(); // the slot passes straight on
    } else {
      running--;
    }
  }
}

export interface IpResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Ended by the time bound, or its output passed the size bound (stdout then holds what came within it). */
  timedOut?: boolean;
  truncated?: boolean;
}

/** Tighter bounds than the default (60 s, 256 MiB) for one run. */
export interface RunBounds {
  timeoutMs: number;
  maxBytes: number;
}


/** After a timeout's SIGTERM, how long a program has to end before SIGKILL. */
const KILL_AFTER_MS = 5000;

/**
 * Runs `file` with argv (no shell, a fixed environment), stdin ignored or fed `input`, stdout and
 * stderr collected up to `maxBytes` each; ended when over the time or size bound. Never rejects.
 */
function execBounded(file: string, argv: string[], input: string | undefined, timeoutMs: number, maxBytes: number): Promise<IpResult> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, argv, {
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      });
    } catch (e) {
      resolve({ ok: false, stdout: '', stderr: (e as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let truncated = false;
    let spawnError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const end = () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      end();
    }, timeoutMs);
    const collect = (chunks: Buffer[], isOut: boolean) => (d: Buffer) => {
      const have = isOut ? outBytes : errBytes;
      if (have >= maxBytes) {
        return;
      }
      const part = have + d.length > maxBytes ? d.subarray(0, maxBytes - have) : d;
      chunks.push(part);
      if (isOut) {
        outBytes += part.length;
      } else {
        errBytes += part.length;
      }
      if (part.length < d.length) {
        truncated = true;
        end();
      }
    };
    child.stdout!.on('data', collect(out, true));
    child.stderr!.on('data', collect(err, false));
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      const ok = code === 0 && !spawnError && !timedOut && !truncated;
      const why = spawnError
        ? spawnError.message
        : timedOut
          ? `Command timed out after ${timeoutMs} milliseconds: ${file}`
          : signal
            ? `Command was killed with ${signal}: ${file}`
            : `Command failed with exit code ${code}: ${file}`;
      const result: IpResult = { ok, stdout, stderr: stderr || (ok ? '' : why) };
      if (timedOut) {
        result.timedOut = true;
      }
      if (truncated) {
        result.truncated = true;
      }
      resolve(result);
    });
    if (input !== undefined) {
      child.stdin!.on('error', () => undefined); // the program may exit without reading it all
      child.stdin!.end(input);
    }
  });
}

export class IpRunner {
  /** `path` is where the program is, or where it would be when `available` is false (not installed). */
  constructor(
    readonly path: string,
    readonly available = true,
  ) {}

  /** `input` is text for ip's stdin (ip -batch -). */
  run(argv: string[], input?: string, bounds?: RunBounds): Promise<IpResult> {
    return slot(() => execBounded(this.path, argv, input, bounds?.timeoutMs ?? 60_000, bounds?.maxBytes ?? 256 * 1024 * 1024));
  }
}

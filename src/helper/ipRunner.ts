// Runs iproute2 (ip, tc) and the other programs operations need (sysctl) by absolute path with an
// argv array: never a shell, never PATH. At most MAX_IP_PROCESSES of them run at once across the
// whole helper, whichever program they are; the rest wait their turn.

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


let execaLoaded: Promise<typeof import('execa')> | undefined;

/** execa is loaded on the first run of a program: the helper's first answers need none. */
function loadExeca(): Promise<typeof import('execa')> {
  return (execaLoaded ??= import('execa'));
}

export class IpRunner {
  /** `path` is where the program is, or where it would be when `available` is false (not installed). */
  constructor(
    readonly path: string,
    readonly available = true,
  ) {}

  /** `input` is text for ip's stdin (ip -batch -). */
  run(argv: string[], input?: string, bounds?: RunBounds): Promise<IpResult> {
    return slot(async () => {
      const { execa } = await loadExeca();
      const r = await execa(this.path, argv, {
        reject: false,
        input,
        stdin: input === undefined ? 'ignore' : 'pipe',
        env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        extendEnv: false,
        timeout: bounds?.timeoutMs ?? 60_000,
        maxBuffer: bounds?.maxBytes ?? 256 * 1024 * 1024,
      });
      const stdout = String(r.stdout ?? '');
      const stderr = String(r.stderr ?? '');
      const result: IpResult = { ok: r.exitCode === 0, stdout, stderr: stderr || (r.exitCode === 0 ? '' : String(r.message)) };
      if (r.timedOut) {
        result.timedOut = true;
      }
      if (r.isMaxBuffer) {
        result.truncated = true;
      }
      return result;
    });
  }
}

// Runs iproute2 by absolute path with an argv array: never a shell, never PATH.

import { execa } from 'execa';

export interface IpResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export class IpRunner {
  /** `path` is where ip is, or where it would be when `available` is false (not installed). */
  constructor(
    readonly path: string,
    readonly available = true,
  ) {}

  async run(argv: string[], input?: string): Promise<IpResult> {
    const r = await execa(this.path, argv, {
      reject: false,
      input,
      stdin: input === undefined ? 'ignore' : 'pipe',
      env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      extendEnv: false,
      timeout: 60_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const stdout = String(r.stdout ?? '');
    const stderr = String(r.stderr ?? '');
    return { ok: r.exitCode === 0, stdout, stderr: stderr || (r.exitCode === 0 ? '' : String(r.message)) };
  }
}

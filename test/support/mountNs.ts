// Private mount namespaces for fault tests: a sleeper process holds one open so that the helper
// (started inside it with nsenter) and `ip` (run inside it the same way) see the same /run, while
// the rest of the machine keeps its own.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { IP } from './kernel';

const UNSHARE = '/usr/bin/unshare';
const NSENTER = '/usr/bin/nsenter';

export function mountNsToolsMissing(): string | undefined {
  return [UNSHARE, NSENTER].find((p) => !fs.existsSync(p));
}

export class PrivateMountNs {
  private constructor(
    readonly sleeper: ChildProcess,
    readonly pid: number,
  ) {}

  /**
   * Starts a sleeper in a new mount namespace (all mounts private, so nothing propagates back to
   * the host) after running `setup` (a /bin/sh script; "$@" are `args`) inside it.
   */
  static async start(setup: string, args: string[] = []): Promise<PrivateMountNs> {
    const script = `${setup}\nexec /bin/sleep 600`;
    const child = spawn(UNSHARE, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-ec', script, 'sh', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const mine = fs.readlinkSync('/proc/self/ns/mnt');
    const deadline = Date.now() + 5000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`the mount namespace setup failed (${child.exitCode}): ${stderr}`);
      }
      try {
        const comm = fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
        if (comm === 'sleep' && fs.readlinkSync(`/proc/${child.pid}/ns/mnt`) !== mine) {
          return new PrivateMountNs(child, child.pid!);
        }
      } catch {
        // not there yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the mount namespace did not come up: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The argv that runs `argv` inside this mount namespace. */
  enter(argv: string[]): string[] {
    return [NSENTER, `--mount=/proc/${this.pid}/ns/mnt`, '--', ...argv];
  }

  /** Runs ip inside this mount namespace. */
  ip(args: string[]): { status: number; stdout: string; stderr: string } {
    const [cmd, ...rest] = this.enter([IP, ...args]);
    const r = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 10_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  stop(): void {
    if (this.sleeper.exitCode === null) {
      this.sleeper.kill('SIGKILL');
    }
  }
}

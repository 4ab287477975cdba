// Fixture for the policy's attack tests: the root-owned install with the README's sudoers line, a
// raw connection to the installed launcher started by an ordinary user through `sudo -n`, the
// user's own processes in network namespaces of their own user namespaces (`unshare -Urn`),
// stand-ins for physical interfaces, and the administrator's allow file. Everything made here is
// registered for removal with the test user fixture's cleanups (also on failure).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTALL_DIR, INSTALL_LAUNCHER, POLKIT_POLICY_PATH, sudoersLine } from '../../src/core/install';
import type { Result } from '../../src/core/protocol';
import { HelperProcess, type RawResponse } from './helperProcess';
import { helperPath as builtHelperPath, IP, type IpLinkJson } from './kernel';
import { installSudoers, registerCleanup, tempDir, type TestUser } from './testUser';

export const RUNUSER = '/usr/sbin/runuser';
export const SUDO = '/usr/bin/sudo';
export const UNSHARE = '/usr/bin/unshare';
export const NSENTER = '/usr/bin/nsenter';

/** The administrator's allow file of the policy, and its folder. */
export const POLICY_DIR = '/etc/vscode-netns';
export const POLICY_FILE = `${POLICY_DIR}/policy.json`;

/** What the attack tests need that may be missing here, or undefined. */
export function attackToolsMissing(): string | undefined {
  return [RUNUSER, SUDO, UNSHARE, NSENTER, IP].find((p) => !fs.existsSync(p));
}

/** Why the attack suites cannot run here (their `skip`), or false. */
export function attackSkip(): string | false {
  const tool = attackToolsMissing();
  return process.getuid?.() !== 0
    ? 'needs root (it installs into /usr/local/lib and creates a test user)'
    : !fs.existsSync(builtHelperPath)
      ? 'needs dist/helper.js (npm run build)'
      : tool
        ? `needs ${tool}`
        : false;
}

import { preserve } from './installPaths';

/** Installs the built helper at the fixed path as root (an install found there is put back later). */
export async function installAsRoot(): Promise<Result<'installHelper'>> {
  preserve(INSTALL_DIR);
  preserve(POLKIT_POLICY_PATH);
  const h = new HelperProcess();
  try {
    return await h.ok<Result<'installHelper'>>('installHelper');
  } finally {
    await h.close();
  }
}

/** The README's sudoers line for `user`: the installed launcher, no arguments, no password. */
export function allowLauncher(user: TestUser): () => void {
  return installSudoers(`netns-test-${user.name}`, sudoersLine(user.name));
}

/**
 * The installed launcher as `user` starts it without a password (`sudo -n -- LAUNCHER`), spoken to
 * over raw NDJSON. With `mountSetup`, root first runs that /bin/sh script in a private mount
 * namespace the user's sudo and the helper then run in (nothing of it reaches the machine).
 */
export function launcherAsUser(user: TestUser, mountSetup?: string): HelperProcess {
  let argv = [RUNUSER, '-u', user.name, '--', SUDO, '-n', '--', INSTALL_LAUNCHER];
  if (mountSetup) {
    argv = [UNSHARE, '--mount', '--propagation', 'private', '--', '/bin/sh', '-ec', `${mountSetup}\nexec "$@"`, 'sh', ...argv];
  }
  const h = new HelperProcess({ LC_ALL: 'C' }, argv);
  registerCleanup(`launcher connection of ${user.name}`, () => {
    h.child.stdin.end();
    h.child.kill('SIGKILL');
  });
  return h;
}

/** Sends a request and waits for its answer, or fails after `ms` (a hung helper fails the test). */
export async function call(h: HelperProcess, op: string, params: Record<string, unknown> = {}, ms = 30_000): Promise<RawResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${op} within ${ms} ms; helper stderr: ${h.stderr}`)), ms);
  });
  try {
    return await Promise.race([h.call(op, params), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asserts the answer is the policy's refusal under `rule`, with a message naming each of `names`
 * (an array inside: any one of those).
 */
export function assertRefused(r: RawResponse, rule: string, names: (string | number | (string | number)[])[], what: string): void {
  assert.equal(r.ok, false, `${what} was refused (it was carried out: ${JSON.stringify(r.result)})`);
  const e = r.error as RawResponse['error'] & { rule?: string };
  assert.equal(e!.code, 'EACCES', `${what}: code EACCES (got ${JSON.stringify(e)})`);
  assert.equal(e!.rule, rule, `${what}: rule ${rule} (got ${JSON.stringify(e)})`);
  assert.ok(e!.message.length > 20, `${what}: the message says why: ${e!.message}`);
  for (const n of names) {
    const any = (Array.isArray(n) ? n : [n]).map(String);
    assert.ok(any.some((x) => e!.message.includes(x)), `${what}: the message names ${any.join(' or ')}: ${e!.message}`);
  }
}

/** Asserts the request was not carried out, whatever the reason; returns the error's code. */
export function assertFailed(r: RawResponse, what: string): string {
  assert.equal(r.ok, false, `${what} must fail (it was carried out: ${JSON.stringify(r.result)})`);
  assert.ok(r.error!.message.length > 10, `${what}: the error says why`);
  return r.error!.code;
}

export interface NsProcess {
  pid: number;
  stop(): void;
}

/**
 * A process in a new network namespace owned by a new user namespace (`unshare -Urn`), started as
 * `user` (or as root when undefined). `inside` runs first in it, as its (unprivileged) root; the
 * process then sleeps, holding the namespace, until stopped or the test ends.
 */
export async function userNsProcess(user: TestUser | undefined, inside = ''): Promise<NsProcess> {
  const script = `${inside}\necho ready\nexec /bin/sleep 600`;
  const outer = `echo $$; exec ${UNSHARE} -Urn /bin/sh -ec "$1"`;
  const argv = user ? [RUNUSER, '-u', user.name, '--', '/bin/sh', '-c', outer, 'sh', script] : ['/bin/sh', '-c', outer, 'sh', script];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: user?.home ?? '/',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: user?.home ?? '/root', LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!/\nready\n/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`unshare -Urn as ${user?.name ?? 'root'} did not come up (${child.exitCode}): ${err}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const pid = Number(out.split('\n')[0]);
  const stop = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  registerCleanup(`user-namespace process ${pid}`, stop);
  assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/net`), fs.readlinkSync('/proc/self/ns/net'), 'a network namespace of its own');
  assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/user`), fs.readlinkSync('/proc/self/ns/user'), 'owned by a user namespace of its own');
  return { pid, stop };
}

/** `ip -d -j address` inside process `pid`'s network namespace, read by root. */
export function linksOfPid(pid: number): IpLinkJson[] {
  const r = spawnSync(NSENTER, [`--net=/proc/${pid}/ns/net`, '--', IP, '-d', '-j', 'address', 'show'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout || '[]') as IpLinkJson[];
}

/** Root attaches process `pid`'s network namespace as /run/netns/NAME (removed with the prefix). */
export function rootAttach(name: string, pid: number): void {
  const r = spawnSync(IP, ['netns', 'attach', name, String(pid)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** Host interfaces backed by a device (/sys/class/net/NAME/device): the machine's own NICs. */
export function physicalInterfaces(): string[] {
  return fs.readdirSync('/sys/class/net').filter((n) => fs.existsSync(`/sys/class/net/${n}/device`));
}

/**
 * A /bin/sh script for a private mount namespace in which each of `names` (host interfaces the
 * test made) shows a `device` link in sysfs like a NIC does: a folder with that link is bound over
 * the interface's sysfs folder. The kernel still sees a veth, so what a request would have done
 * to it is harmless, and the rest of the machine never sees the stand-in.
 */
export function deviceStandIn(names: string[]): string {
  const dir = tempDir(0o755);
  const lines: string[] = [];
  for (const n of names) {
    assert.match(n, /^[\w.-]+$/);
    const sys = fs.realpathSync(`/sys/class/net/${n}`);
    const fake = path.join(dir, n);
    fs.mkdirSync(path.join(fake, 'hw'), { recursive: true });
    fs.symlinkSync(path.join(fake, 'hw'), path.join(fake, 'device'));
    // A few attributes as they are now (read and written: fs.copyFileSync spins on a sysfs file).
    for (const f of ['ifindex', 'address', 'type', 'flags', 'mtu']) {
      fs.writeFileSync(path.join(fake, f), fs.readFileSync(path.join(sys, f)));
    }
    lines.push(`mount --bind ${fake} ${sys}`, `test -e /sys/class/net/${n}/device`);
  }
  return lines.join('\n');
}

/**
 * Writes the administrator's allow file (and its folder when missing); both are removed, and a
 * file found there put back, on cleanup. `owner` makes them someone else's (which must be ignored).
 */
export function writePolicyFile(content: unknown, owner?: { file?: TestUser; dir?: TestUser }): void {
  if (!fs.existsSync(POLICY_DIR)) {
    fs.mkdirSync(POLICY_DIR, { mode: 0o755 });
    madeDir = true;
    registerCleanup(`folder ${POLICY_DIR}`, () => fs.rmSync(POLICY_DIR, { recursive: true, force: true }));
  } else if (!madeDir && !preservedFile) {
    preserve(POLICY_FILE);
    preservedFile = true;
  }
  if (owner?.dir && !madeDir) {
    throw new Error(`${POLICY_DIR} was there before the test: its owner is not changed`);
  }
  fs.writeFileSync(POLICY_FILE, JSON.stringify(content), { mode: 0o644 });
  fs.chownSync(POLICY_FILE, owner?.file?.uid ?? 0, owner?.file?.gid ?? 0);
  if (madeDir) {
    fs.chownSync(POLICY_DIR, owner?.dir?.uid ?? 0, owner?.dir?.gid ?? 0);
  }
}
let madeDir = false;
let preservedFile = false;

/** True when the allow file's folder is absent or was made by this test (so its owner may change). */
export function policyDirIsOurs(): boolean {
  return madeDir || !fs.existsSync(POLICY_DIR);
}

/** Removes the allow file written by writePolicyFile (the folder, if the test made it, goes at cleanup). */
export function removePolicyFile(): void {
  fs.rmSync(POLICY_FILE, { force: true });
  if (madeDir && fs.existsSync(POLICY_DIR)) {
    fs.chownSync(POLICY_DIR, 0, 0);
  }
}

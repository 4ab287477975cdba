// Fixture for the privilege tests: a throwaway ordinary user, sudoers and polkit rule files, a
// system D-Bus started by hand, and running a Node script as that user. Everything made here is
// registered for removal, run by the test's after() and again at process exit (also on failure).

import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helperPath as builtHelper, repoRoot } from './kernel';

const cleanups: { what: string; fn: () => void }[] = [];
let exitHooked = false;

function onCleanup(what: string, fn: () => void): void {
  cleanups.push({ what, fn });
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', runCleanups);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        runCleanups();
        process.exit(130);
      });
    }
  }
}

/** Registers a removal of something the test made, run with the fixture's own (newest first). */
export function registerCleanup(what: string, fn: () => void): void {
  onCleanup(what, fn);
}

/** Removes everything created so far, newest first; failures are reported, not thrown. */
export function runCleanups(): void {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      c.fn();
    } catch (e) {
      process.stderr.write(`cleanup of ${c.what} failed: ${(e as Error).message}\n`);
    }
  }
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
  return r.stdout;
}

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function createTestUser(): TestUser {
  const name = 'nsu' + crypto.randomBytes(4).toString('hex');
  run('useradd', ['-m', '-s', '/bin/sh', name]);
  onCleanup(`user ${name}`, () => {
    // Processes left by this throwaway user (started by the test), ended by pid.
    const left = spawnSync('pgrep', ['-u', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const pid of left) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // What its processes left in /tmp (an askpass folder of a workbench that was stopped, say): the
    // next throwaway user may get the same uid and must not find it.
    const uidNow = Number(run('id', ['-u', name]).trim());
    for (const entry of fs.readdirSync(os.tmpdir())) {
      const p = path.join(os.tmpdir(), entry);
      try {
        if (fs.lstatSync(p).uid === uidNow) {
          fs.rmSync(p, { recursive: true, force: true });
        }
      } catch {
        // gone meanwhile
      }
    }
    run('userdel', ['-r', name]);
  });
  const [, , uid, gid, , home] = run('getent', ['passwd', name]).trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home };
}

/** Sets the user's password through chpasswd's stdin, never a command line. */
export function setPassword(user: TestUser, password: string): void {
  run('chpasswd', [], `${user.name}:${password}\n`);
}

/** Installs a sudoers drop-in after `visudo -cf` accepted it; returns a remover. */
export function installSudoers(name: string, content: string): () => void {
  const final = path.join('/etc/sudoers.d', name);
  const tmp = path.join(os.tmpdir(), `sudoers-${name}-${process.pid}`);
  fs.writeFileSync(tmp, content.endsWith('\n') ? content : content + '\n', { mode: 0o440 });
  try {
    run('visudo', ['-cf', tmp]);
    fs.copyFileSync(tmp, final);
    fs.chmodSync(final, 0o440);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  let removed = false;
  const remove = () => {
    if (!removed) {
      removed = true;
      fs.rmSync(final, { force: true });
    }
  };
  onCleanup(`sudoers ${final}`, remove);
  return remove;
}

/** Installs a polkit rules file (picked up live by polkitd); returns a remover. */
export function installPolkitRule(name: string, js: string): Promise<() => void> {
  return installPolkitFile(path.join('/etc/polkit-1/rules.d', name), js);
}

/** Installs a polkit action file (picked up live by polkitd); returns a remover. */
export function installPolkitAction(id: string, xml: string): Promise<() => void> {
  return installPolkitFile(path.join('/usr/share/polkit-1/actions', `${id}.policy`), xml);
}

async function installPolkitFile(file: string, js: string): Promise<() => void> {
  fs.writeFileSync(file, js, { mode: 0o644 });
  let removed = false;
  const remove = () => {
    if (!removed) {
      removed = true;
      fs.rmSync(file, { force: true });
    }
  };
  onCleanup(`polkit rule ${file}`, remove);
  // polkitd reloads rules on an inotify event; give it a moment.
  await new Promise((r) => setTimeout(r, 1000));
  return remove;
}

export function polkitdPids(): number[] {
  const out = spawnSync('pgrep', ['-x', 'polkitd'], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => !isZombie(pid));
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

export function systemBusAnswers(): boolean {
  const r = spawnSync('dbus-send', ['--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetId'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return r.status === 0;
}

/**
 * Makes sure a system D-Bus answers. One already running is used and left alone; otherwise one
 * is started, and on cleanup that daemon and the polkitd it activated are ended by pid.
 */
export function ensureSystemBus(): { startedPid?: number } {
  if (systemBusAnswers()) {
    return {};
  }
  fs.mkdirSync('/run/dbus', { recursive: true });
  // A daemon killed earlier leaves its pid file and socket; a stale pid file blocks a new one.
  const pidFile = '/run/dbus/pid';
  if (fs.existsSync(pidFile)) {
    const old = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!old || isZombie(old)) {
      fs.rmSync(pidFile, { force: true });
      fs.rmSync('/run/dbus/system_bus_socket', { force: true });
    }
  }
  const polkitBefore = new Set(polkitdPids());
  const pid = Number(run('dbus-daemon', ['--system', '--fork', '--print-pid']).trim());
  onCleanup(`dbus-daemon ${pid}`, () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (const p of polkitdPids()) {
      if (!polkitBefore.has(p)) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(pidFile, { force: true });
    fs.rmSync('/run/dbus/system_bus_socket', { force: true });
  });
  return { startedPid: pid };
}

/** A folder for the test (under `base`), removed on cleanup. */
export function tempDir(mode = 0o755, base = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(base, 'netns-priv-'));
  fs.chmodSync(dir, mode);
  onCleanup(`dir ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** True when the user can read the file (every folder on the way must be traversable). */
export function userCanRead(user: TestUser, file: string): boolean {
  return spawnSync('/usr/sbin/runuser', ['-u', user.name, '--', '/usr/bin/test', '-r', file]).status === 0;
}

/** Runs `node script` as the user with a minimal environment; `input` goes to its stdin. */
export function runAsUser(
  user: TestUser,
  nodePath: string,
  script: string,
  input: string,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/sbin/runuser', ['-u', user.name, '--', nodePath, script], {
      cwd: user.home,
      env: { PATH: '/usr/bin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/**
 * The built helper and a compiled script (a path under out/) where `user` can read them: in place,
 * or, when the checkout is private, copied (with koffi) into a temp folder the user can read.
 */
export function userReadableBuild(user: TestUser, scriptInOut: string): { helperPath: string; script: string } {
  const local = path.join(repoRoot, 'out', scriptInOut);
  if (userCanRead(user, builtHelper) && userCanRead(user, local)) {
    return { helperPath: builtHelper, script: local };
  }
  const dir = tempDir();
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'out'), path.join(dir, 'out'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'node_modules', 'koffi'), path.join(dir, 'node_modules', 'koffi'), { recursive: true });
  return { helperPath: path.join(dir, 'dist', 'helper.js'), script: path.join(dir, 'out', scriptInOut) };
}

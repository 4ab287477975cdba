// For running the workbench as an ordinary user: code-server's cached install made readable to
// that user (a bind mount of it, since it lives under root's 0700 home), the extension copied into
// a folder the user owns as a packaged extension would be, and the processes seen by `ps`.
// Everything made here is registered with the testUser fixture's cleanups.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, repoRoot, startCodeServer, type CodeServer } from './codeserver';
import { registerCleanup, type TestUser } from './testUser';

/**
 * The code-server executable at a path `user` can read: the install folder bind-mounted (not
 * copied: 300 MB) onto a temp folder; unmounted on cleanup.
 */
export function codeServerFor(user: TestUser): string {
  const bin = ensureCodeServer(); // <install>/node_modules/.bin/code-server
  const install = path.resolve(path.dirname(bin), '..', '..');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-e2e-cs-'));
  fs.chmodSync(base, 0o755);
  const mountPoint = path.join(base, 'code-server');
  fs.mkdirSync(mountPoint);
  // Removed without recursion, and only after the unmount: a recursive removal that ran into a
  // still mounted install would delete the install itself.
  registerCleanup(`folder ${base}`, () => {
    fs.rmdirSync(mountPoint);
    fs.rmdirSync(base);
  });
  execFileSync('mount', ['--bind', install, mountPoint]);
  registerCleanup(`bind mount ${mountPoint}`, () => {
    // Lazy as a fallback: a process still holding a file there must not keep the mount forever.
    if (spawnSync('umount', [mountPoint]).status !== 0) {
      execFileSync('umount', ['-l', mountPoint]);
    }
  });
  // Read-only: nothing run as the user can change root's install through it.
  execFileSync('mount', ['-o', 'remount,bind,ro', mountPoint]);
  const readable = path.join(mountPoint, path.relative(install, bin));
  if (spawnSync('/usr/sbin/runuser', ['-u', user.name, '--', '/usr/bin/test', '-r', readable]).status !== 0) {
    throw new Error(`${user.name} cannot read ${readable}`);
  }
  return readable;
}

/** What a packaged extension holds (see .vscodeignore), copied from this repository. */
const EXTENSION_FILES = ['package.json', 'package.nls.json', 'media', 'dist/extension.js', 'dist/helper.js', 'dist/askpass.js', 'node_modules/koffi', 'node_modules/@koromix'];

/** Copies the built extension into `<home>/<folder>`, owned by the user; returns that folder. */
export function installExtensionFor(user: TestUser, folder = 'vscode-netns'): string {
  const dest = path.join(user.home, folder);
  for (const rel of EXTENSION_FILES) {
    const from = path.join(repoRoot, rel);
    if (fs.existsSync(from)) {
      fs.cpSync(from, path.join(dest, rel), { recursive: true, dereference: true });
    }
  }
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dest]);
  return dest;
}

/** The folder name an extension gets in an extensions dir (publisher.name-version). */
export function extensionFolderName(extPath: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extPath, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

export interface PsRow {
  pid: number;
  ppid: number;
  user: string;
  ruser: string;
  args: string;
}

/** Every process as `ps` sees it. */
export function ps(): PsRow[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,user:32=,ruser:32=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [pid, ppid, user, ruser, ...args] = l.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), user, ruser, args: args.join(' ') };
    });
}

/** The process's environment (root may read any process's). */
export function environ(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) {
      env[kv.slice(0, i)] = kv.slice(i + 1);
    }
  }
  return env;
}

/** The chain of parents of `pid` (nearest first), as far as `ps` sees them. */
export function ancestors(pid: number, rows = ps()): PsRow[] {
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const out: PsRow[] = [];
  for (let p = byPid.get(pid)?.ppid; p && byPid.has(p) && out.length < 20; p = byPid.get(p)!.ppid) {
    out.push(byPid.get(p)!);
  }
  return out;
}

/**
 * code-server run by `user` with the extension installed for them and a workspace folder of
 * theirs open, with these user settings.
 */
export async function startUserWorkbench(user: TestUser, settings: Record<string, unknown>): Promise<{ server: CodeServer; extension: string }> {
  const bin = codeServerFor(user);
  const extension = installExtensionFor(user);
  const workspace = path.join(user.home, 'workspace');
  fs.mkdirSync(workspace);
  fs.chownSync(workspace, user.uid, user.gid);
  const server = await startCodeServer({ folder: workspace, extensions: [extension], user, bin, settings });
  return { server, extension };
}

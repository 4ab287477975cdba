// Installs the helper at a fixed root-owned path (see src/core/install.ts for why), and removes it.
// What is copied is what this helper runs: its files as read when it started (selfImage.ts) and the
// runtime it was started from, never whatever the (user-owned) paths hold by the time of the install.

import { part } from '../../core/messages';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  INSTALL_DIR,
  INSTALL_LAUNCHER,
  INSTALL_MARKER,
  launcherScript,
  POLKIT_POLICY_PATH,
  polkitPolicy,
  polkitRule,
  sudoersLine,
} from '../../core/install';
import { parsePasswd } from '../pure/passwd';
import { ProtocolError, type Result } from '../../core/protocol';
import type { HelperContext } from '../context';
import { rootOnly } from '../../platform/rootOwned';
import { readNoFollow, selfImage, sha256 } from '../selfImage';

const CHANGED_HINT = () =>
  part('If you did not change it, another program running as you did: reinstall the extension, reload the window, and install again.');

/** A file of the helper changed since it started (or is now a symlink, or gone). */
function changed(file: string, detail: string): ProtocolError {
  return new ProtocolError('EPERM', [part('{0} changed since the helper started, so it is not what the helper runs; nothing was installed.', file), CHANGED_HINT()], detail);
}

/** The runtime path no longer names the file this process runs on. */
function replaced(detail: string): ProtocolError {
  return new ProtocolError(
    'EPERM',
    [part('The runtime {0} is not the one the helper runs on (it was replaced since the helper started); nothing was installed.', process.execPath), CHANGED_HINT()],
    detail,
  );
}

/** The runtime's path, resolved, when it is still the very file this process was started from. */
function runningRuntime(): { exe: string; same: boolean } {
  let exe: string;
  try {
    exe = fs.realpathSync(process.execPath);
  } catch (e) {
    throw replaced((e as Error).message);
  }
  const running = fs.statSync('/proc/self/exe');
  try {
    const st = fs.statSync(exe);
    return { exe, same: st.dev === running.dev && st.ino === running.ino };
  } catch {
    return { exe, same: false };
  }
}

/** The runtime the launcher will exec: one only root can change, copied in when needed. */
function chooseRuntime(staging: string): { nodePath: string; how: 'referenced' | 'copied' } {
  const { exe, same } = runningRuntime();
  // The install's own runtime is replaced with the install: it is copied, never pointed at.
  const ours = exe.startsWith(`${INSTALL_DIR}/`);
  // Root-only all the way up, so once checked to be the running file nobody else can swap it.
  if (same && !ours && rootOnly(exe)) {
    return { nodePath: exe, how: 'referenced' };
  }
  if (!process.versions.electron) {
    // A plain Node binary (e.g. the VS Code server's) runs from anywhere: keep a root-owned copy.
    copyRunningRuntime(exe, path.join(staging, 'node'));
    return { nodePath: path.join(INSTALL_DIR, 'node'), how: 'copied' };
  }
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (fs.existsSync(candidate) && rootOnly(candidate)) {
      return { nodePath: fs.realpathSync(candidate), how: 'referenced' };
    }
  }
  throw new ProtocolError('ENOTSUP', [
    part("VS Code's runtime ({0}) can be changed without root, so a root-owned launcher must not run it.", exe),
    part('Install VS Code system-wide, or install Node.js (apt install nodejs), and try again.'),
  ]);
}

/**
 * Copies the runtime the helper runs on. Its path may belong to the user, so it is opened once
 * (no symlink followed), checked to be the very file this process was started from (a running
 * executable cannot be written to, only replaced), and copied from that same descriptor.
 */
function copyRunningRuntime(exe: string, to: string): void {
  let fd: number;
  try {
    fd = fs.openSync(exe, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    throw replaced((e as Error).message);
  }
  try {
    const st = fs.fstatSync(fd);
    const running = fs.statSync('/proc/self/exe');
    if (!st.isFile() || st.dev !== running.dev || st.ino !== running.ino) {
      throw replaced(`${exe} is ${st.dev}:${st.ino}, the running runtime ${running.dev}:${running.ino}`);
    }
    const out = fs.openSync(to, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o755);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let pos = 0; ; ) {
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) {
          break;
        }
        fs.writeSync(out, buf, 0, n);
        pos += n;
      }
    } finally {
      fs.closeSync(out);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes the helper's files into the staging folder from what they hold now, and only when that
 * is what the helper read when it started (selfImage.ts). Nothing is followed or copied by path.
 */
function copySelf(ctx: HelperContext, staging: string): void {
  const image = selfImage();
  if (!image || image.error) {
    throw new ProtocolError('EIO', [
      part('The helper could not read its own files when it started, so it cannot install them; nothing was installed.'),
      part('Reload the window and try again.'),
    ], image?.error);
  }
  if (image.koffiMissing) {
    ctx.log(`koffi not copied (the installed helper will use the ip reader): ${image.koffiMissing}`);
  }
  for (const f of image.files) {
    let bytes: Buffer;
    try {
      bytes = readNoFollow(f.source).bytes;
    } catch (e) {
      throw changed(f.source, (e as Error).message);
    }
    const now = sha256(bytes);
    if (now !== f.sha256) {
      throw changed(f.source, `SHA-256 at start ${f.sha256}, now ${now}`);
    }
    const to = path.join(staging, f.target);
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
    fs.writeFileSync(to, bytes, { mode: f.executable ? 0o755 : 0o644, flag: 'wx' });
  }
}

function callerName(): string | undefined {
  if (process.env.SUDO_USER) {
    return process.env.SUDO_USER;
  }
  const uid = process.env.PKEXEC_UID;
  if (uid && /^\d+$/.test(uid)) {
    try {
      return parsePasswd(fs.readFileSync('/etc/passwd', 'utf8')).get(Number(uid));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Refuses to touch INSTALL_DIR unless it is ours (or absent). */
function checkExisting(): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(INSTALL_DIR);
  } catch {
    return;
  }
  if (!st.isDirectory() || st.isSymbolicLink() || st.uid !== 0 || !fs.existsSync(INSTALL_MARKER)) {
    throw new ProtocolError('EEXIST', part('{0} exists but was not made by this extension; remove it by hand if it is not needed.', INSTALL_DIR));
  }
}

/**
 * Puts the staged install in place of the old one. The old one is moved aside first and put back
 * if the new one cannot go in, so a failure never leaves less than there was.
 */
function swapIn(staging: string): void {
  const old = `${INSTALL_DIR}.old-${process.pid}`;
  fs.rmSync(old, { recursive: true, force: true });
  const had = fs.existsSync(INSTALL_DIR);
  if (had) {
    fs.renameSync(INSTALL_DIR, old);
  }
  try {
    fs.renameSync(staging, INSTALL_DIR);
  } catch (e) {
    if (had) {
      fs.renameSync(old, INSTALL_DIR);
    }
    throw e;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

export async function installHelper(ctx: HelperContext): Promise<Result<'installHelper'>> {
  if (process.getuid?.() !== 0) {
    throw new ProtocolError('EPERM', part('Installing the helper needs root privileges.'));
  }
  checkExisting();
  const staging = `${INSTALL_DIR}.new-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const oldMask = process.umask(0o022);
  try {
    fs.mkdirSync(staging, { mode: 0o755 });
    copySelf(ctx, staging);
    const runtime = chooseRuntime(staging);
    fs.writeFileSync(path.join(staging, 'netns-helper'), launcherScript(runtime.nodePath, path.join(INSTALL_DIR, 'helper.js')), { mode: 0o755 });
    fs.writeFileSync(path.join(staging, path.basename(INSTALL_MARKER)), `${new Date().toISOString()}\n`, { mode: 0o644 });
    swapIn(staging);
    let policy: string | undefined;
    if (fs.existsSync(path.dirname(POLKIT_POLICY_PATH))) {
      fs.writeFileSync(`${POLKIT_POLICY_PATH}.tmp`, polkitPolicy(), { mode: 0o644 });
      fs.renameSync(`${POLKIT_POLICY_PATH}.tmp`, POLKIT_POLICY_PATH);
      policy = POLKIT_POLICY_PATH;
    }
    const user = callerName() ?? 'USER';
    ctx.log(`installed the helper in ${INSTALL_DIR} (runtime ${runtime.how}: ${runtime.nodePath})`);
    return {
      launcher: INSTALL_LAUNCHER,
      dir: INSTALL_DIR,
      runtime: runtime.nodePath,
      runtimeCopied: runtime.how === 'copied',
      policy,
      sudoersLine: sudoersLine(user),
      polkitRule: polkitRule(user),
    };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e instanceof ProtocolError ? e : new ProtocolError('EIO', part('Installing the helper failed: {0}', (e as Error).message));
  } finally {
    process.umask(oldMask);
  }
}

export async function uninstallHelper(ctx: HelperContext): Promise<Result<'uninstallHelper'>> {
  checkExisting();
  const removed: string[] = [];
  if (fs.existsSync(INSTALL_DIR)) {
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
    removed.push(INSTALL_DIR);
  }
  if (fs.existsSync(POLKIT_POLICY_PATH)) {
    fs.rmSync(POLKIT_POLICY_PATH, { force: true });
    removed.push(POLKIT_POLICY_PATH);
  }
  ctx.log(`uninstalled the helper: ${removed.join(', ') || 'nothing was installed'}`);
  return { removed };
}

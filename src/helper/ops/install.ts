// Installs the helper at a fixed root-owned path (see src/core/install.ts for why), and removes it.

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

/** The runtime the launcher will exec: one only root can change, copied in when needed. */
function chooseRuntime(staging: string): { nodePath: string; how: 'referenced' | 'copied' } {
  const exe = fs.realpathSync(process.execPath);
  if (rootOnly(exe)) {
    return { nodePath: exe, how: 'referenced' };
  }
  if (!process.versions.electron) {
    // A plain Node binary (e.g. the VS Code server's) runs from anywhere: keep a root-owned copy.
    fs.copyFileSync(exe, path.join(staging, 'node'));
    fs.chmodSync(path.join(staging, 'node'), 0o755);
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

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, dereference: true, errorOnExist: false, force: true });
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

export async function installHelper(ctx: HelperContext, helperFile = __filename): Promise<Result<'installHelper'>> {
  if (process.getuid?.() !== 0) {
    throw new ProtocolError('EPERM', part('Installing the helper needs root privileges.'));
  }
  checkExisting();
  const staging = `${INSTALL_DIR}.new-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const oldMask = process.umask(0o022);
  try {
    fs.mkdirSync(staging, { mode: 0o755 });
    fs.copyFileSync(helperFile, path.join(staging, 'helper.js'));
    // koffi is a native module the bundle loads at run time; it lives next to the helper.
    try {
      const koffiDir = path.dirname(require.resolve('koffi'));
      const modules = path.dirname(koffiDir);
      copyTree(koffiDir, path.join(staging, 'node_modules', 'koffi'));
      if (fs.existsSync(path.join(modules, '@koromix'))) {
        copyTree(path.join(modules, '@koromix'), path.join(staging, 'node_modules', '@koromix'));
      }
    } catch (e) {
      ctx.log(`koffi not copied (the installed helper will use the ip reader): ${(e as Error).message}`);
    }
    const runtime = chooseRuntime(staging);
    fs.writeFileSync(path.join(staging, 'netns-helper'), launcherScript(runtime.nodePath, path.join(INSTALL_DIR, 'helper.js')), { mode: 0o755 });
    fs.writeFileSync(path.join(staging, path.basename(INSTALL_MARKER)), `${new Date().toISOString()}\n`, { mode: 0o644 });
    fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
    fs.renameSync(staging, INSTALL_DIR);
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

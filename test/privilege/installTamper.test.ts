// installHelper asked of a helper the user started from their own extension folder (through sudo,
// as after the one authentication), after another program running as that user changed the folder:
// code appended to dist/helper.js, symlinks to root's files planted in node_modules/koffi, a loaded
// file swapped for a symlink, the user's own node runtime replaced. None of it may reach the
// root-owned install, and the install may hold nothing the user could not read before. Also:
// installHelper sent to the installed copy itself leaves a working install.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helperArgv, sudoersRule } from '../../src/client/launcher';
import { INSTALL_DIR, INSTALL_LAUNCHER, INSTALL_MARKER, POLKIT_POLICY_PATH } from '../../src/core/install';
import type { HelloResult, Result } from '../../src/core/protocol';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { preserve, sha256, tree } from '../support/installPaths';
import { helperPath as builtHelper, repoRoot, uniquePrefix } from '../support/kernel';
import { createTestUser, installSudoers, registerCleanup, runCleanups, type TestUser } from '../support/testUser';

const has = (p: string) => fs.existsSync(p);
const skip =
  process.getuid?.() !== 0
    ? 'needs root (it installs into /usr/local/lib and creates a test user)'
    : !has('/usr/bin/sudo')
      ? 'needs sudo'
      : !has(builtHelper)
        ? 'needs dist/helper.js (npm run build)'
        : false;

const P = uniquePrefix();
const RUNUSER = '/usr/sbin/runuser';
const MODULES = path.join(repoRoot, 'node_modules');
const MARKER = path.basename(INSTALL_MARKER);

describe('install from a helper whose folder the user changed after it started', { skip }, () => {
  let user: TestUser;
  let ext: string;
  let userNode: string;
  let secret: string;
  /** The install made by the clean run, file by file (without the marker, which holds a time). */
  let clean: Map<string, string>;

  before(() => {
    preserve(INSTALL_DIR);
    preserve(POLKIT_POLICY_PATH);
    user = createTestUser();
    // Like the VS Code Server: a plain Node binary and the extension, both in the user's home.
    ext = path.join(user.home, '.vscode-server', 'extensions', `netns-${P}`);
    userNode = path.join(ext, 'node');
    installSudoers(`netns-test-${user.name}`, sudoersRule(user.name, userNode, path.join(ext, 'dist', 'helper.js')));
    // A file of root's that the user cannot read (the folder above it is root's and closed).
    const dir = fs.mkdtempSync('/root/netns-secret-');
    registerCleanup(`dir ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    secret = path.join(dir, 'secret');
    fs.writeFileSync(secret, `not for ${user.name}\n`, { mode: 0o644 });
    registerCleanup('the appended code\'s marker', () => fs.rmSync(`/run/netns-${P}-ran`, { force: true }));
  });
  after(() => runCleanups());

  /** A pristine extension folder owned by the user: the build, koffi and a copy of node. */
  function freshExtension(): void {
    fs.rmSync(ext, { recursive: true, force: true });
    fs.mkdirSync(path.join(ext, 'dist'), { recursive: true });
    fs.copyFileSync(builtHelper, path.join(ext, 'dist', 'helper.js'));
    for (const pkg of ['koffi', '@koromix']) {
      fs.cpSync(path.join(MODULES, pkg), path.join(ext, 'node_modules', pkg), { recursive: true });
    }
    fs.copyFileSync(process.execPath, userNode);
    fs.chmodSync(userNode, 0o755);
    run(['/bin/chown', '-R', `${user.uid}:${user.gid}`, path.join(user.home, '.vscode-server')]);
  }

  function run(argv: string[]): void {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`);
  }

  /** Runs a command as the user (another program of theirs, not the extension). */
  function asUser(...argv: string[]): void {
    run([RUNUSER, '-u', user.name, '--', ...argv]);
  }

  /** The user's helper, started through sudo from their folder with their node. */
  async function startUserHelper(): Promise<HelperProcess> {
    const h = new HelperProcess({}, [RUNUSER, '-u', user.name, '--', '/usr/bin/sudo', '-n', '--', ...helperArgv(userNode, path.join(ext, 'dist', 'helper.js'))]);
    const hello = await h.ok<HelloResult>('hello');
    assert.equal(hello.uid, 0, h.stderr);
    assert.equal(hello.callerUid, user.uid);
    assert.equal(hello.reader, 'netlink', `the user's helper loaded koffi: ${hello.readerError}`);
    return h;
  }

  async function install(h: HelperProcess): Promise<RawResponse> {
    try {
      return await h.call('installHelper');
    } finally {
      await h.close();
    }
  }

  const withoutMarker = (t: Map<string, string>) => new Map([...t].filter(([k]) => k !== MARKER));

  /** The install holds the build and nothing else: no symlink, nothing of root's the user could not read. */
  function assertInstallIsTheBuild(): void {
    const now = tree(INSTALL_DIR);
    for (const [rel, kind] of now) {
      assert.ok(!kind.startsWith('symlink'), `${rel} is no symlink (${kind})`);
      const st = fs.lstatSync(path.join(INSTALL_DIR, rel));
      assert.equal(st.uid, 0, `${rel} is root's`);
      assert.equal(st.mode & 0o022, 0, `${rel} only root can change`);
      if (!kind.startsWith('file')) {
        continue;
      }
      const hash = kind.slice('file '.length);
      const from =
        rel === 'helper.js'
          ? builtHelper
          : rel === 'node'
            ? process.execPath
            : rel.startsWith('node_modules/')
              ? path.join(MODULES, rel.slice('node_modules/'.length))
              : undefined;
      if (from) {
        assert.equal(hash, sha256(from), `${rel} is byte for byte ${from}`);
      } else {
        assert.ok(rel === 'netns-helper' || rel === MARKER, `${rel} is the launcher or the marker`);
      }
      for (const theirs of ['/etc/shadow', '/root/.bashrc', secret].filter(has)) {
        assert.notEqual(hash, sha256(theirs), `${rel} is no copy of ${theirs}`);
      }
    }
  }

  function assertRefused(r: RawResponse, message: RegExp): void {
    assert.equal(r.ok, false, `installHelper was refused: ${JSON.stringify(r.result)}`);
    assert.equal(r.error!.code, 'EPERM', JSON.stringify(r.error));
    assert.match(r.error!.message, message);
    assert.match(r.error!.message, /nothing was installed/);
    assert.deepEqual(withoutMarker(tree(INSTALL_DIR)), clean, 'the install is as the clean run left it');
    assert.deepEqual(fs.readdirSync(path.dirname(INSTALL_DIR)).filter((n) => n.startsWith(`${path.basename(INSTALL_DIR)}.`) && !n.includes('netns-test-backup')), [], 'no staging folder left');
  }

  it('untouched: installs what the helper loaded, byte for byte, with a root-owned copy of the user\'s node', async () => {
    freshExtension();
    const r = await install(await startUserHelper());
    assert.equal(r.ok, true, JSON.stringify(r.error));
    const result = r.result as Result<'installHelper'>;
    assert.equal(result.runtimeCopied, true);
    assert.equal(result.runtime, path.join(INSTALL_DIR, 'node'));
    clean = withoutMarker(tree(INSTALL_DIR));
    assertInstallIsTheBuild();
    const modules = [...clean.keys()].filter((k) => k.startsWith('node_modules/') && clean.get(k)!.startsWith('file'));
    assert.equal(modules.filter((k) => k.endsWith('.node')).length, 1, `one native library, for this platform: ${modules.join(', ')}`);
    assert.ok(modules.includes('node_modules/koffi/package.json') && modules.includes('node_modules/koffi/index.cjs'));
    assert.ok(!modules.some((k) => /\/(doc|vendor)\/|\.cc$|\.md$/.test(k)), `only files the helper loads: ${modules.join(', ')}`);
    // The install runs, on its own koffi.
    const h = new HelperProcess({}, [INSTALL_LAUNCHER]);
    try {
      const hello = await h.ok<HelloResult>('hello');
      assert.equal(hello.reader, 'netlink', hello.readerError);
      const maps = fs.readFileSync(`/proc/${hello.pid}/maps`, 'utf8');
      const native = modules.find((k) => k.endsWith('.node'))!;
      assert.ok(maps.includes(path.join(INSTALL_DIR, native)), `the installed helper maps ${native}`);
    } finally {
      await h.close();
    }
  });

  it('symlinks to root\'s files planted next to koffi are neither followed nor copied', async () => {
    freshExtension();
    const h = await startUserHelper();
    const koffi = path.join(ext, 'node_modules', 'koffi');
    asUser('/bin/ln', '-s', '/etc/shadow', path.join(koffi, 'shadow'));
    asUser('/bin/ln', '-s', secret, path.join(koffi, 'lib', 'secret'));
    asUser('/bin/ln', '-s', '/root/.bashrc', path.join(koffi, 'src', 'bashrc'));
    asUser('/bin/ln', '-s', path.dirname(secret), path.join(ext, 'node_modules', '@koromix', 'secrets'));
    const r = await install(h);
    assert.equal(r.ok, true, JSON.stringify(r.error));
    assertInstallIsTheBuild();
    assert.deepEqual(withoutMarker(tree(INSTALL_DIR)), clean, 'the same install as from the untouched folder');
  });

  it('a file koffi loads swapped for a symlink to /etc/shadow: refused, the install untouched', async () => {
    freshExtension();
    const h = await startUserHelper();
    const loaded = path.join(ext, 'node_modules', 'koffi', 'src', 'koffi', 'src', 'static.cjs');
    asUser('/bin/ln', '-sf', '/etc/shadow', loaded);
    assertRefused(await install(h), /static\.cjs changed since the helper started/);
  });

  it('code appended to dist/helper.js: refused, the install stays the build', async () => {
    freshExtension();
    const h = await startUserHelper();
    const helperJs = path.join(ext, 'dist', 'helper.js');
    asUser('/bin/sh', '-c', 'printf "%s\\n" "$1" >> "$2"', 'sh', `require('fs').writeFileSync('/run/netns-${P}-ran', 'root');`, helperJs);
    assertRefused(await install(h), /helper\.js changed since the helper started/);
    assertInstallIsTheBuild();
  });

  it('the user\'s node replaced (by another program, then by a symlink) after the start: refused', async () => {
    freshExtension();
    let h = await startUserHelper();
    asUser('/bin/cp', '/bin/true', `${userNode}.new`);
    asUser('/bin/mv', '-f', `${userNode}.new`, userNode);
    assertRefused(await install(h), /runtime .*node is not the one the helper runs on/);

    freshExtension();
    h = await startUserHelper();
    asUser('/bin/mv', userNode, `${userNode}.old`);
    asUser('/bin/ln', '-s', '/etc/shadow', userNode);
    assertRefused(await install(h), /runtime .*node is not the one the helper runs on/);
    assertInstallIsTheBuild();
  });

  it('installHelper sent to the installed copy leaves a working install', async () => {
    const h = new HelperProcess({}, [INSTALL_LAUNCHER]);
    const r = await install(h);
    // Refused or done: either way the install is whole and starts.
    if (!r.ok) {
      process.stdout.write(`# installHelper from the installed copy: ${r.error!.code}: ${r.error!.message}\n`);
    }
    assert.deepEqual(withoutMarker(tree(INSTALL_DIR)), clean, 'the install is unchanged');
    assertInstallIsTheBuild();
    const again = new HelperProcess({}, [INSTALL_LAUNCHER]);
    try {
      const hello = await again.ok<HelloResult>('hello');
      assert.equal(hello.reader, 'netlink', hello.readerError);
    } finally {
      await again.close();
    }
    assert.ok(!has(`/run/netns-${P}-ran`), 'the appended code never ran as root');
  });
});

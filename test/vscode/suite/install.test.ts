// "Install Privileged Helper" and "Uninstall Privileged Helper" as a user runs them: the files
// land root-owned in the fixed folder and the installed launcher answers as the helper; the result
// message's buttons put the sudoers line and the polkit rule on the clipboard; uninstall asks
// first, then removes everything. The machine's own install is never touched: when one exists
// before the suite, it is skipped with a message. Whatever the suite installs, it removes.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { INSTALL_DIR, INSTALL_LAUNCHER, POLKIT_POLICY_PATH, sudoersLine } from '../../../src/core/install';
import type { Result } from '../../../src/core/protocol';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { confirm, netnsApi, ScriptedHost, waitFor } from './extensionFixture';

type InfoAnswer = (message: string, items: string[]) => string | undefined;

/** A ScriptedHost that also answers information messages (their buttons) and keeps every copy. */
class ButtonHost extends ScriptedHost {
  readonly infoAnswers: InfoAnswer[] = [];
  readonly infos: { message: string; items: string[] }[] = [];
  readonly copied: string[] = [];

  override readonly clipboard = {
    writeText: async (text: string) => {
      this.copied.push(text);
      this.clipboardText = text;
    },
  };

  override async showInformationMessage(message: string, ...items: string[]): Promise<string | undefined> {
    this.shown.push({ level: 'info', message });
    this.infos.push({ message, items });
    return this.infoAnswers.shift()?.(message, items);
  }

  override reset(): void {
    super.reset();
    this.infoAnswers.length = 0;
    this.infos.length = 0;
    this.copied.length = 0;
  }
}

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

/** Every path under `dir`, itself included. */
function walk(dir: string): string[] {
  return [dir, ...fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))];
}

function assertRootOnly(p: string): void {
  const st = fs.lstatSync(p);
  assert.equal(st.uid, 0, `${p} is not owned by root`);
  assert.equal(st.mode & 0o022, 0, `${p} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`);
}

describe('install and uninstall the privileged helper', function () {
  this.timeout(120_000);
  let api: NetnsApi;
  const host = new ButtonHost();
  let previous: Host | undefined;
  /** Set once the suite may install: nothing of an install existed before it. */
  let owned = false;
  const polkitActions = path.dirname(POLKIT_POLICY_PATH);

  before(async function () {
    const existing = [INSTALL_DIR, POLKIT_POLICY_PATH].filter((p) => fs.existsSync(p));
    if (existing.length > 0) {
      console.log(`    SKIP install tests: ${existing.join(' and ')} already exist on this machine; they are left as they are.`);
      this.skip();
    }
    if (process.getuid?.() !== 0) {
      console.log('    SKIP install tests: the extension host does not run as root.');
      this.skip();
    }
    owned = true;
    api = await netnsApi();
    previous = api.setHost(host);
  });

  after(() => {
    if (previous) {
      api.setHost(previous);
    }
    if (owned) {
      fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
      fs.rmSync(POLKIT_POLICY_PATH, { force: true });
    }
  });

  beforeEach(() => host.reset());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`shown: ${JSON.stringify(host.shown)}\nunexpected prompts: ${JSON.stringify(host.unexpected)}`);
    }
  });

  it('installs root-owned files whose launcher starts the helper, and copies the sudoers line and polkit rule', async () => {
    // Press "Copy sudoers line", then (shown again) "Copy polkit rule", then close the message.
    host.infoAnswers.push(
      (_m, items) => items[0],
      (_m, items) => items[1],
      () => undefined,
    );
    const result = await run<Result<'installHelper'> | undefined>('netns.installHelper');
    assert.ok(result, `the install failed: ${JSON.stringify(host.errors())}`);
    assert.deepEqual(host.errors(), []);
    assert.equal(result.launcher, INSTALL_LAUNCHER);
    assert.equal(result.dir, INSTALL_DIR);
    assert.ok(host.progressTitles.length === 1, 'the install ran under a progress notification');

    // Root-owned all the way: nothing inside can be changed by anyone but root.
    for (const p of walk(INSTALL_DIR)) {
      assertRootOnly(p);
    }
    assertRootOnly(path.dirname(INSTALL_DIR));
    assert.ok(fs.statSync(INSTALL_LAUNCHER).mode & 0o100, 'the launcher is executable');
    assert.ok(fs.statSync(path.join(INSTALL_DIR, 'helper.js')).isFile());
    assert.ok(fs.readFileSync(INSTALL_LAUNCHER, 'utf8').includes(`'${INSTALL_DIR}/helper.js'`), 'the launcher runs the installed helper.js');
    if (fs.existsSync(polkitActions)) {
      assert.equal(result.policy, POLKIT_POLICY_PATH);
      assertRootOnly(POLKIT_POLICY_PATH);
      assert.ok(fs.readFileSync(POLKIT_POLICY_PATH, 'utf8').includes(`>${INSTALL_LAUNCHER}</annotate>`), 'the polkit action names the launcher');
    }

    // The launcher is a working helper, with koffi beside it (the netlink reader loads).
    const hello = spawnSync(INSTALL_LAUNCHER, [], { input: '{"id":1,"op":"hello"}\n', encoding: 'utf8', timeout: 20_000, env: { PATH: '/usr/bin:/bin' } });
    assert.equal(hello.status, 0, hello.stderr);
    const answer = JSON.parse(hello.stdout.split('\n')[0]) as { ok: boolean; result: { name: string; uid: number; reader: string; readerError?: string } };
    assert.ok(answer.ok);
    assert.equal(answer.result.name, 'vscode-netns-helper');
    assert.equal(answer.result.uid, 0);
    assert.equal(answer.result.reader, 'netlink', answer.result.readerError);

    // The lines name the user who started VS Code's helper; started directly as root (no sudo),
    // the helper cannot tell, and a root window needs no rule for itself: USER stays for the reader.
    const user = process.env.SUDO_USER ?? 'USER';
    assert.equal(result.sudoersLine, sudoersLine(user));
    assert.ok(result.polkitRule.includes(`subject.user == ${JSON.stringify(user)}`));

    // The buttons: one message with both, shown again after each copy.
    await waitFor(() => host.infos.length >= 3, 10_000, 'the result message to be closed');
    assert.ok(host.infos[0].message.includes(INSTALL_LAUNCHER), host.infos[0].message);
    assert.equal(host.infos[0].items.length, fs.existsSync(polkitActions) ? 2 : 1);
    assert.deepEqual(host.copied, fs.existsSync(polkitActions) ? [result.sudoersLine, result.polkitRule] : [result.sudoersLine]);
    assert.ok(host.infos[1].message.includes('/etc/sudoers.d/vscode-netns'), host.infos[1].message);

    // Both lines are in the log, for later.
    const log = api.log.recent().join('\n');
    assert.ok(log.includes(result.sudoersLine), 'the sudoers line is logged');
    assert.ok(log.includes(result.polkitRule.trim()), 'the polkit rule is logged');
  });

  it('does nothing when the uninstall confirmation is dismissed', async () => {
    host.warnings.push(() => undefined);
    assert.equal(await run('netns.uninstallHelper'), undefined);
    assert.equal(host.shown.length, 1);
    assert.equal(host.shown[0].level, 'warning');
    assert.ok(host.shown[0].detail?.includes(INSTALL_DIR), 'the confirmation names what it removes');
    assert.ok(fs.existsSync(INSTALL_LAUNCHER), 'still installed');
  });

  it('uninstalls after confirmation: the folder and the polkit action are gone', async () => {
    host.warnings.push(confirm);
    const removed = await run<string[] | undefined>('netns.uninstallHelper');
    assert.deepEqual(host.errors(), []);
    assert.ok(removed, 'the uninstall failed');
    assert.ok(removed.includes(INSTALL_DIR));
    assert.equal(fs.existsSync(INSTALL_DIR), false);
    assert.equal(fs.existsSync(POLKIT_POLICY_PATH), false);
    if (fs.existsSync(polkitActions)) {
      assert.ok(removed.includes(POLKIT_POLICY_PATH));
    }
    await waitFor(() => host.infos.length > 0, 5000, 'the result message');
    assert.ok(host.infos[0].message.includes(INSTALL_DIR), host.infos[0].message);
  });

  it('says so when there is nothing to uninstall', async () => {
    host.warnings.push(confirm);
    assert.deepEqual(await run('netns.uninstallHelper'), []);
    await waitFor(() => host.infos.length > 0, 5000, 'the result message');
    assert.equal(fs.existsSync(INSTALL_DIR), false);
  });
});

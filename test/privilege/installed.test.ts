// The root-owned install end to end: the installHelper operation puts the helper at the fixed path,
// an ordinary user starts exactly that launcher through the install's own sudoers line and polkit
// rule and really changes the kernel with it, the rule hands out nothing else, and uninstall
// removes it all. The machine is left as it was: an install found before the test is put back.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { polkitCommandLine, sudoersRule } from '../../src/client/launcher';
import { rootOnly } from '../../src/platform/rootOwned';
import { INSTALL_DIR, INSTALL_LAUNCHER, launcherScript, POLKIT_ACTION_ID, POLKIT_POLICY_PATH } from '../../src/core/install';
import { PROTOCOL_VERSION, type HelloResult, type Result } from '../../src/core/protocol';
import type { Snapshot } from '../../src/core/model';
import type { ClientScriptInput, ClientScriptOutput } from '../support/asUserClient';
import { HelperProcess } from '../support/helperProcess';
import { helperPath as builtHelper, cleanupOnExit, cleanupPrefix, links, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import {
  createTestUser,
  ensureSystemBus,
  installPolkitRule,
  installSudoers,
  runAsUser,
  runCleanups,
  tempDir,
  userCanRead,
  userReadableBuild,
  type TestUser,
} from '../support/testUser';
import { preserve } from '../support/installPaths';

const has = (p: string) => fs.existsSync(p);
const skip =
  process.getuid?.() !== 0
    ? 'needs root (it installs into /usr/local/lib and creates a test user)'
    : !has('/usr/bin/sudo')
      ? 'needs sudo'
      : !has(builtHelper)
        ? 'needs dist/helper.js (npm run build)'
        : false;
const pkexecSkip = skip || (!has('/usr/bin/pkexec') ? 'needs pkexec' : !has('/usr/bin/dbus-daemon') ? 'needs dbus-daemon' : false);

const P = uniquePrefix();
cleanupOnExit(P);
const nodePath = process.execPath;
const timings: string[] = [];

/** Every file and folder under `dir`, with itself. */
function walk(dir: string): string[] {
  const out = [dir];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(...(e.isDirectory() ? walk(p) : [p]));
  }
  return out;
}

/** Asserts nobody but root can change `p` (owner root, no group or world write bit). */
function assertRootOwned(p: string): void {
  const st = fs.lstatSync(p);
  assert.equal(st.uid, 0, `${p} is owned by root`);
  assert.equal(st.mode & 0o022, 0, `${p} is not group- or world-writable (mode ${(st.mode & 0o7777).toString(8)})`);
}

describe('the root-owned install, end to end', { skip }, () => {
  let user: TestUser;
  let helperPath: string;
  let script: string;
  let installed: Result<'installHelper'>;
  let marker: string;
  let hostileEnv: Record<string, string>;

  before(() => {
    preserve(INSTALL_DIR);
    preserve(POLKIT_POLICY_PATH);
    user = createTestUser();
    // The user must reach the helper and the client code.
    ({ helperPath, script } = userReadableBuild(user, 'test/support/asUserClient.js'));
    assert.ok(userCanRead(user, helperPath) && userCanRead(user, script));
    // A NODE_OPTIONS the user sets must never reach the root helper: if it did, this would run.
    const evil = path.join(user.home, 'evil.js');
    marker = path.join(tempDir(0o755, '/run'), 'ran-as-root');
    fs.writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.getuid()));\n`, { mode: 0o644 });
    hostileEnv = { NODE_OPTIONS: `--require=${evil}` };
  });

  after(() => {
    cleanupPrefix(P);
    runCleanups();
    if (timings.length) {
      process.stdout.write(`# installed launcher timings: ${timings.join('; ')}\n`);
    }
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
    assert.deepEqual(linkNames(null).filter((n) => n.includes(P)), [], 'no link of the test is left');
  });

  async function asUser(input: Partial<ClientScriptInput>): Promise<ClientScriptOutput> {
    const full: ClientScriptInput = { helperPath, nodePath, method: 'sudo', installedLauncher: 'default', requests: [], ...input };
    const t0 = performance.now();
    const r = await runAsUser(user, nodePath, script, JSON.stringify(full));
    const ms = Math.round(performance.now() - t0);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let out: ClientScriptOutput;
    try {
      out = JSON.parse(line) as ClientScriptOutput;
    } catch {
      throw new Error(`the user script failed (code ${r.code}): ${r.stderr}\n${r.stdout}`);
    }
    assert.equal(out.uid, user.uid, 'the client ran as the test user');
    timings.push(`${full.method} ${full.requests.map((q) => q.op).join('+') || 'start'} ${ms} ms`);
    return out;
  }

  function assertStarted(out: ClientScriptOutput, via: 'sudo' | 'pkexec', launcher: string | undefined): void {
    assert.equal(out.started, true, `${out.failure}: ${out.message}\n${out.detail}\n${out.logs.join('\n')}`);
    assert.equal(out.via, via);
    assert.equal(out.installed, launcher);
    assert.equal(out.hello!.uid, 0);
    assert.equal(out.hello!.callerUid, user.uid);
    for (const o of out.outcomes) {
      assert.equal(o.ok, true, `${o.op}: ${o.code}: ${o.message}`);
    }
  }

  /** Creates a namespace and a veth pair and moves one end in, as the user; then checks with ip -j. */
  async function createMoveDelete(method: 'sudo' | 'pkexec', tag: string): Promise<void> {
    const ns = `${P}${tag}`;
    const a = `${P}${tag}0`;
    const b = `${P}${tag}1`;
    const made = await asUser({
      method,
      env: hostileEnv,
      requests: [
        { op: 'addNetns', params: { name: ns } },
        { op: 'addVeth', params: { name: a, peer: b } },
        { op: 'moveLink', params: { name: b, from: null, to: ns } },
        { op: 'snapshot', params: { names: [ns], includeRoot: false } },
      ],
    });
    assertStarted(made, method, INSTALL_LAUNCHER);
    assert.equal(made.hello!.reader, 'netlink', 'the installed helper loads its own copy of koffi');
    // The kernel agrees: the namespace exists, one end in the host, the other inside.
    assert.ok(netnsNames().includes(ns));
    const hostEnd = links(null).find((l) => l.ifname === a);
    assert.equal(hostEnd?.linkinfo?.info_kind, 'veth');
    assert.ok(!linkNames(null).includes(b), 'the moved end left the host');
    const inside = links(ns).find((l) => l.ifname === b);
    assert.equal(inside?.linkinfo?.info_kind, 'veth');
    const snap = made.outcomes[3].result as Snapshot;
    assert.deepEqual(
      snap.namespaces.map((n) => [n.name, n.interfaces.map((i) => i.name).sort()]),
      [[ns, ['lo', b]]],
    );

    const removed = await asUser({
      method,
      requests: [
        { op: 'delLink', params: { netns: ns, name: b } },
        { op: 'delNetns', params: { name: ns } },
      ],
    });
    assertStarted(removed, method, INSTALL_LAUNCHER);
    assert.ok(!netnsNames().includes(ns));
    assert.ok(!linkNames(null).includes(a), 'deleting one end deleted the pair');
    assert.ok(!has(marker), 'the user\'s NODE_OPTIONS never reached the root helper');
  }

  it('installHelper (as root) puts a root-owned helper, launcher and polkit action in place', async () => {
    const h = new HelperProcess();
    try {
      installed = await h.ok<Result<'installHelper'>>('installHelper');
    } finally {
      await h.close();
    }
    assert.equal(installed.launcher, INSTALL_LAUNCHER);
    assert.equal(installed.dir, INSTALL_DIR);
    assert.ok(rootOnly(installed.runtime), `the runtime ${installed.runtime} only root can change`);
    for (const p of [INSTALL_LAUNCHER, path.join(INSTALL_DIR, 'helper.js'), path.join(INSTALL_DIR, 'node_modules', 'koffi', 'package.json')]) {
      assert.ok(has(p), `${p} exists`);
    }
    for (const p of walk(INSTALL_DIR)) {
      assertRootOwned(p);
    }
    assert.ok(rootOnly(INSTALL_LAUNCHER), 'every folder above the launcher is root-only too');
    assert.equal(fs.statSync(INSTALL_LAUNCHER).mode & 0o111, 0o111, 'the launcher is executable');
    assert.ok(fs.readFileSync(path.join(INSTALL_DIR, 'helper.js')).equals(fs.readFileSync(builtHelper)), 'helper.js is the built helper');
    assert.equal(fs.readFileSync(INSTALL_LAUNCHER, 'utf8'), launcherScript(installed.runtime, path.join(INSTALL_DIR, 'helper.js')));

    assert.equal(installed.policy, POLKIT_POLICY_PATH);
    assertRootOwned(POLKIT_POLICY_PATH);
    const policy = fs.readFileSync(POLKIT_POLICY_PATH, 'utf8');
    assert.deepEqual([...policy.matchAll(/<action id="([^"]+)"/g)].map((m) => m[1]), [POLKIT_ACTION_ID]);
    assert.deepEqual(
      [...policy.matchAll(/<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]*)<\/annotate>/g)].map((m) => m[1]),
      [INSTALL_LAUNCHER],
    );
    // Asked every time, except in an active local session where polkit may keep the answer a while.
    const defaults = Object.fromEntries([...policy.matchAll(/<(allow_\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1], m[2]]));
    assert.deepEqual(defaults, { allow_any: 'auth_admin', allow_inactive: 'auth_admin', allow_active: 'auth_admin_keep' });

    // Run as root directly, there is no caller to name: the lines carry a placeholder.
    assert.equal(installed.sudoersLine, `USER ALL=(root) NOPASSWD: ${INSTALL_LAUNCHER} ""`, 'the launcher, without arguments, and nothing else');
    assert.match(installed.polkitRule, new RegExp(`action\\.id == "${POLKIT_ACTION_ID.replace(/\./g, '\\.')}" && subject\\.user == "USER"`));
  });

  it('the installed launcher answers hello with the netlink reader, from its own koffi', async () => {
    // Arguments are ignored: the launcher always runs the same helper.
    const h = new HelperProcess({}, [INSTALL_LAUNCHER, '--anything']);
    try {
      const hello = await h.ok<HelloResult>('hello');
      assert.equal(hello.name, 'vscode-netns-helper');
      assert.equal(hello.protocol, PROTOCOL_VERSION);
      assert.equal(hello.uid, 0);
      assert.equal(hello.reader, 'netlink', hello.readerError);
      const maps = fs.readFileSync(`/proc/${hello.pid}/maps`, 'utf8');
      const koffi = [...new Set(maps.split('\n').filter((l) => /koffi.*\.node$/.test(l)).map((l) => l.slice(l.indexOf('/'))))];
      assert.ok(koffi.length > 0 && koffi.every((p) => p.startsWith(`${INSTALL_DIR}/`)), `koffi loaded from the install: ${koffi.join(', ')}`);
    } finally {
      await h.close();
    }
  });

  describe('sudo, with the install\'s sudoers line', () => {
    let remove: () => void;
    before(() => {
      remove = installSudoers(`netns-test-${user.name}`, installed.sudoersLine.replace(/^USER /, `${user.name} `));
    });
    after(() => remove());

    it('the user starts the installed launcher and creates, moves and deletes for real', async () => {
      await createMoveDelete('sudo', 's');
    });

    it('the rule hands out nothing else', () => {
      const sudoAs = (...args: string[]) =>
        spawnSync('/usr/sbin/runuser', ['-u', user.name, '--', '/usr/bin/sudo', '-n', ...args], {
          encoding: 'utf8',
          // With the hostile NODE_OPTIONS set, so asking sudo to keep it is a real attempt.
          env: { LC_ALL: 'C', PATH: '/usr/bin:/bin', HOME: user.home, ...hostileEnv },
          timeout: 10_000,
        });
      // The one command it allows (checked without running it), so the refusals below are real ones.
      assert.equal(sudoAs('-l', INSTALL_LAUNCHER).status, 0, 'the launcher itself is allowed');
      const refused: string[][] = [
        ['/usr/sbin/ip', 'netns', 'add', `${P}x`],
        ['/bin/sh', '-c', 'id'],
        [INSTALL_LAUNCHER, '--anything'],
        [INSTALL_LAUNCHER, ''],
        ['-u', 'nobody', INSTALL_LAUNCHER],
        ['-E', INSTALL_LAUNCHER],
        ['--preserve-env=NODE_OPTIONS', INSTALL_LAUNCHER],
        [`NODE_OPTIONS=${hostileEnv.NODE_OPTIONS}`, INSTALL_LAUNCHER],
      ];
      for (const args of refused) {
        const r = sudoAs(...args);
        assert.notEqual(r.status, 0, `sudo -n ${args.join(' ')} is refused`);
        assert.doesNotMatch(r.stdout, /uid=0|vscode-netns-helper/);
        if (args[0].startsWith('/')) {
          assert.equal(sudoAs('-l', ...args).status, 1, `sudo -l ${args.join(' ')}: not allowed`);
        }
      }
      assert.ok(!netnsNames().includes(`${P}x`));
      assert.ok(!has(marker));
    });
  });

  describe('pkexec, with the installed polkit action', { skip: pkexecSkip }, () => {
    before(() => {
      ensureSystemBus();
    });

    it('without a rule: a clear LaunchError, nothing started', async () => {
      const out = await asUser({ method: 'pkexec', env: hostileEnv });
      assert.equal(out.started, false);
      assert.ok(out.failure === 'no-polkit-agent' || out.failure === 'not-authorized', `${out.failure}: ${out.message}\n${out.detail}`);
      assert.match(out.message!, /authentication agent|did not authorize/);
      assert.ok(out.logs.some((l) => l.includes(`--disable-internal-agent ${INSTALL_LAUNCHER}`)), 'pkexec was asked for the installed launcher');
    });

    it('with the install\'s polkit rule: the user creates, moves and deletes for real', async () => {
      const rule = installed.polkitRule.replace('subject.user == "USER"', `subject.user == ${JSON.stringify(user.name)}`);
      assert.notEqual(rule, installed.polkitRule);
      const remove = await installPolkitRule(`10-netns-test-${user.name}.rules`, rule);
      try {
        await createMoveDelete('pkexec', 'p');
      } finally {
        remove();
      }
    });
  });

  describe('uninstall', () => {
    it('removes everything; the client then starts the bundled helper', async () => {
      const h = new HelperProcess();
      let removed: Result<'uninstallHelper'>;
      let again: Result<'uninstallHelper'>;
      try {
        removed = await h.ok<Result<'uninstallHelper'>>('uninstallHelper');
        again = await h.ok<Result<'uninstallHelper'>>('uninstallHelper');
      } finally {
        await h.close();
      }
      assert.deepEqual(removed.removed.sort(), [INSTALL_DIR, POLKIT_POLICY_PATH].sort());
      assert.deepEqual(again.removed, []);
      assert.ok(!has(INSTALL_DIR) && !has(POLKIT_POLICY_PATH));
      assert.deepEqual(fs.readdirSync(path.dirname(INSTALL_DIR)).filter((n) => n.startsWith(`${path.basename(INSTALL_DIR)}.new-`)), [], 'no staging folder left');

      // With the install's sudoers line only, nothing can start any more.
      const stale = installSudoers(`netns-test-${user.name}`, installed.sudoersLine.replace(/^USER /, `${user.name} `));
      try {
        const out = await asUser({ method: 'sudo' });
        assert.equal(out.started, false);
        assert.equal(out.failure, 'password-required', out.message);
      } finally {
        stale();
      }
      // With a rule for the bundled helper, the client starts that one.
      const remove = installSudoers(`netns-test-${user.name}`, sudoersRule(user.name, nodePath, helperPath));
      try {
        const out = await asUser({ method: 'sudo', requests: [{ op: 'listNames', params: {} }] });
        assertStarted(out, 'sudo', undefined);
        assert.ok(out.logs.some((l) => l.includes(`sudo-n): /usr/bin/sudo -n -- /usr/bin/env ELECTRON_RUN_AS_NODE=1 ${nodePath} ${helperPath}`)), out.logs.join('\n'));
      } finally {
        remove();
      }
    });

    it('installed by the user through sudo or pkexec, the lines name that user', async () => {
      const methods: ('sudo' | 'pkexec')[] = pkexecSkip ? ['sudo'] : ['sudo', 'pkexec'];
      for (const method of methods) {
        const remove =
          method === 'sudo'
            ? installSudoers(`netns-test-${user.name}`, sudoersRule(user.name, nodePath, helperPath))
            : await installPolkitRule(
                `10-netns-test-${user.name}.rules`,
                `polkit.addRule(function(a, s) { if (a.id == "org.freedesktop.policykit.exec" && s.user == ${JSON.stringify(user.name)} && ` +
                  `a.lookup("command_line") == ${JSON.stringify(polkitCommandLine(nodePath, helperPath))}) { return polkit.Result.YES; } });\n`,
              );
        try {
          const out = await asUser({ method, requests: [{ op: 'installHelper', params: {} }] });
          assertStarted(out, method, undefined);
          const r = out.outcomes[0].result as Result<'installHelper'>;
          assert.equal(r.sudoersLine, `${user.name} ALL=(root) NOPASSWD: ${INSTALL_LAUNCHER} ""`);
          assert.ok(r.polkitRule.includes(`subject.user == ${JSON.stringify(user.name)}`));
          for (const p of walk(INSTALL_DIR)) {
            assertRootOwned(p);
          }
        } finally {
          remove();
        }
        const h = new HelperProcess();
        try {
          assert.deepEqual((await h.ok<Result<'uninstallHelper'>>('uninstallHelper')).removed.sort(), [INSTALL_DIR, POLKIT_POLICY_PATH].sort());
        } finally {
          await h.close();
        }
      }
    });
  });
});
